import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RecentProject } from '../../core/api/contract';

const MAX_RECENT = 10;

/**
 * The list of recently opened projects, kept as JSON in the app's settings folder.
 *
 * ```ts
 * const recent = new RecentProjects('/home/ann/.config/deca-studio');
 * await recent.add({ path, name });
 * ```
 */
export class RecentProjects {
  private readonly file: string;

  constructor(settingsDir: string) {
    this.file = path.join(settingsDir, 'recent-projects.json');
  }

  async list(): Promise<RecentProject[]> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.file, 'utf8')) as unknown;
      if (!Array.isArray(parsed)) return [];
      return parsed.filter((p): p is RecentProject => typeof p?.path === 'string' && typeof p?.name === 'string');
    } catch {
      return [];
    }
  }

  async add(project: RecentProject): Promise<void> {
    const list = [project, ...(await this.list()).filter((p) => p.path !== project.path)].slice(0, MAX_RECENT);
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(list, null, 2));
    await fs.rename(tmp, this.file);
  }
}
