/**
 * The files of a drop. Folders are walked in browser mode, where the studio only gets bytes; in
 * Electron a dropped folder stays one File whose path the services walk themselves.
 *
 * ```ts
 * const files = await droppedFiles(event.dataTransfer, { walkFolders: !desktopBridge() });
 * ```
 */
export async function droppedFiles(data: DataTransfer | null, options: { walkFolders: boolean }): Promise<File[]> {
  if (!data) return [];
  // Entries must be taken synchronously: the DataTransfer is emptied once the handler yields.
  const entries = options.walkFolders ? Array.from(data.items, (item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null)) : [];
  const plain = Array.from(data.files);
  if (!entries.some((e) => e?.isDirectory)) return plain;
  const files: File[] = [];
  for (const entry of entries) if (entry) await collect(entry, files);
  return files;
}

async function collect(entry: FileSystemEntry, into: File[]): Promise<void> {
  if (entry.isFile) {
    into.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches until it answers an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) if (!child.name.startsWith('.')) await collect(child, into);
  }
}
