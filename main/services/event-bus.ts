import type { ApiEventMessage, ApiEventName, ApiEvents } from '../../core/api/contract';

type Listener = (message: ApiEventMessage) => void;

/**
 * Fans service events out to every transport (IPC windows, WebSocket clients, CLI printers).
 *
 * ```ts
 * const off = bus.subscribe((m) => console.log(m.event));
 * bus.emit('library.changed', { subjectId: 3 });
 * ```
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    const message = { event, payload } as ApiEventMessage;
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch {
        // One broken listener (a closed socket) must not stop the others.
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
