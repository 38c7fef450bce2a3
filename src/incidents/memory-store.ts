import type { Incident, IncidentReport, IncidentStore } from './incident.js';

/**
 * Incidents of one process without a database (the ingress on its file spool). They
 * last as long as the process; what it reports (Temporal away) is about it alone.
 */
export function memoryIncidentStore(): IncidentStore {
  const open = new Map<string, Incident & { lastAlertedAt: number }>();
  let nextId = 1;
  return {
    record(report: IncidentReport, at: Date) {
      const current = open.get(report.key);
      if (current) {
        current.occurrences++;
        current.detail = report.detail;
        return Promise.resolve({ incident: { ...current }, opened: false });
      }
      const incident = {
        id: nextId++,
        key: report.key,
        kind: report.kind,
        branch: report.branch ?? null,
        detail: report.detail,
        occurrences: 1,
        openedAt: at,
        lastAlertedAt: at.getTime(),
      };
      open.set(report.key, incident);
      return Promise.resolve({ incident: { ...incident }, opened: true });
    },

    claimReminder(id: number, at: Date, everyMs: number) {
      const incident = [...open.values()].find((i) => i.id === id);
      if (!incident || at.getTime() - incident.lastAlertedAt < everyMs) return Promise.resolve(false);
      incident.lastAlertedAt = at.getTime();
      return Promise.resolve(true);
    },

    close(key: string) {
      const incident = open.get(key);
      open.delete(key);
      return Promise.resolve(incident && { ...incident });
    },

    openKeys() {
      return Promise.resolve([...open.values()].map(({ key, kind }) => ({ key, kind })));
    },
  };
}
