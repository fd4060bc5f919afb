import type { GraphLayout } from '../graphLayout';
import type { InspectionUpdate, TransitionRecord } from '../inspectionStream';
import type { InspectorStatus } from '../inspectorStatus';
import type { MachineGraph } from '../machineGraph';
import { renderGraph } from './diagram';
import { byId, setText } from './dom';
import { addRow, resetLog } from './eventLog';
import { activeFromText, ui, type ShownStatus } from './pageState';
import { applyStatus, fire } from './status';

/**
 * Follows the live stream (server-sent events: pushed, never polled), or, in a standalone copy,
 * replays an events.jsonl the user opens.
 */

/** graph.json, or the data inlined in a standalone copy (page.ts: standalonePageHtml). */
export interface GraphData {
  readonly graph: MachineGraph;
  readonly layout: GraphLayout;
  readonly history?: readonly TransitionRecord[];
  readonly status?: InspectorStatus;
}

function setConn(state: string, text: string): void {
  byId('conn').setAttribute('data-conn', state);
  setText('conn-text', text);
}

export function connect(): void {
  if (typeof EventSource === 'undefined') {
    setConn('offline', 'no EventSource in this browser');
    return;
  }
  const es = new EventSource('events');
  es.onopen = () => {
    if (!ui.ended) setConn('live', 'live');
  };
  es.onerror = () => {
    if (ui.ended) return;
    setConn('reconnecting', es.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…');
  };
  es.addEventListener('init', (ev) => {
    const data = JSON.parse(ev.data) as { status: InspectorStatus; history: TransitionRecord[] };
    resetLog(data.history);
    applyStatus(data.status, false);
    setConn('live', 'live');
  });
  es.addEventListener('transition', (ev) => {
    const u = JSON.parse(ev.data) as InspectionUpdate;
    addRow(u.record, true);
    fire(u.record.edges);
    applyStatus(u.status, true);
  });
  es.addEventListener('end', (ev) => {
    ui.ended = true;
    es.close();
    const data = JSON.parse(ev.data) as { status?: InspectorStatus };
    if (data.status) applyStatus(data.status, false);
    setConn('ended', 'recorder stopped · stream closed');
  });
}

export function loadGraph(data: GraphData): void {
  ui.graph = data.graph;
  ui.layout = data.layout;
  renderGraph();
}

function statusFromRecords(records: readonly TransitionRecord[]): ShownStatus {
  const first = records[0];
  const last = records[records.length - 1];
  const text = last ? last.to : '';
  return {
    machine: ui.graph?.machineId ?? '',
    status: text === 'finished' ? 'done' : text ? 'active' : 'waiting',
    state: text,
    active: activeFromText(text),
    stateSince: null,
    startedAt: first ? first.time : null,
    updatedAt: last ? last.time : null,
  };
}

function replay(records: readonly TransitionRecord[]): void {
  resetLog(records);
  applyStatus(statusFromRecords(records), false);
  const last = records[records.length - 1];
  if (last) fire(last.edges);
}

/** A standalone copy (file://): the chart and the history inlined, and a file picker to replay another run. */
export function standalone(data: GraphData): void {
  setConn('offline', 'offline copy');
  setText('sub', 'standalone page · open an events.jsonl to replay it');
  byId('file-box').hidden = false;
  loadGraph(data);
  replay(data.history ?? []);
  if (data.status) applyStatus(data.status, false);
  const input = byId<HTMLInputElement>('file');
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (!file) return;
    void file.text().then((text) => {
      // Lines of /events.jsonl are records; lines of a saved stream may be updates ({ record, status }).
      const records = text.split('\n').filter((l) => l.trim())
        .map((l) => JSON.parse(l) as TransitionRecord | InspectionUpdate)
        .map((r) => ('record' in r ? r.record : r));
      setText('sub', `${file.name} · ${records.length} events`);
      replay(records);
    });
  });
}
