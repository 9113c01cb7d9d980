import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import type { TwinEvent } from '../api/api-types.ts';
import { openEventStream, type StreamStatus } from '../api/event-stream.ts';

/**
 * One `/events` connection for the whole app, shared by every page: pages subscribe to the events
 * they need with `useTwinEvents`. The server filters by the token (a patient token sees only that
 * patient's events), so the app asks for every type it shows.
 */
type Listener = (event: TwinEvent) => void;

interface Hub {
  readonly subscribe: (listener: Listener) => () => void;
  readonly status: StreamStatus;
}

const HubContext = createContext<Hub>({ subscribe: () => () => undefined, status: 'closed' });

export function parseTwinEvent(id: string, data: string): TwinEvent | null {
  try {
    const body = JSON.parse(data) as Omit<TwinEvent, 'id'>;
    if (typeof body !== 'object' || body === null || typeof body.type !== 'string') return null;
    return { ...body, id: Number(id), data: body.data ?? {} };
  } catch {
    return null;
  }
}

export function EventHubProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [status, setStatus] = useState<StreamStatus>('closed');
  const [hub] = useState(() => ({
    subscribe: (listener: Listener) => {
      listeners.current.add(listener);
      return () => {
        listeners.current.delete(listener);
      };
    },
  }));

  useEffect(() => {
    if (!enabled) return;
    return openEventStream('/events?types=reading,score,alert,trial-progress', {
      onStatus: setStatus,
      onMessage: (message) => {
        const event = parseTwinEvent(message.id, message.data);
        if (event === null) return;
        for (const l of listeners.current) l(event);
      },
    });
  }, [enabled]);

  return <HubContext.Provider value={{ subscribe: hub.subscribe, status }}>{children}</HubContext.Provider>;
}

/** Calls `handler` (latest version) for every event while the component is mounted. */
export function useTwinEvents(handler: Listener): void {
  const { subscribe } = useContext(HubContext);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => subscribe((e) => latest.current(e)), [subscribe]);
}

export function useStreamStatus(): StreamStatus {
  return useContext(HubContext).status;
}
