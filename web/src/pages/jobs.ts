/**
 * /jobs: the library's background work, as the queue holds it: per kind its waiting, running,
 * done, failed and cancelled jobs and a pause/resume switch; the newest jobs with progress, rate,
 * ETA and the reason of each failure, with cancel and retry. Refreshes every two seconds.
 */
import { jobAction, jobs, type Job, type JobsView } from '../api.js';
import { h, type Cleanup } from '../dom.js';

const REFRESH_MS = 2000;

function duration(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

function jobRow(job: Job, act: (path: string) => void): HTMLElement {
  const p = job.progress;
  const bar = p && p.total > 0 ? h('progress', { max: String(p.total), value: String(p.done), 'aria-label': `${job.kind} progress` }) : null;
  const numbers = [p && p.total > 0 ? `${p.done.toLocaleString()} of ${p.total.toLocaleString()}` : null, job.rate ? `${job.rate.toFixed(2)}/s` : null, job.etaSeconds !== null ? `ETA ${duration(job.etaSeconds)}` : null].filter(Boolean).join(' · ');
  const active = job.state === 'waiting' || job.state === 'running';
  return h('tr', { class: `job ${job.state}` },
    h('td', {}, job.id),
    h('td', {}, job.kind, job.key !== job.kind ? h('span', { class: 'hint' }, ` ${job.key}`) : null),
    h('td', {}, job.state, job.attempts > 1 ? h('span', { class: 'hint' }, ` (try ${job.attempts} of ${job.maxAttempts})`) : null),
    h('td', {}, bar, ' ', numbers, p?.message && !numbers ? p.message : null, job.error && job.state !== 'done' ? h('div', { class: 'job-error' }, job.error.split('\n').at(-1)!) : null),
    h('td', {}, new Date(job.finishedAt ?? job.startedAt ?? job.createdAt).toLocaleTimeString()),
    h('td', {},
      active ? h('button', { type: 'button', onclick: () => act(`/api/jobs/${job.id}/cancel`) }, 'Cancel') : null,
      job.state === 'failed' || job.state === 'cancelled' ? h('button', { type: 'button', onclick: () => act(`/api/jobs/${job.id}/retry`) }, 'Retry') : null));
}

function view(data: JobsView, act: (path: string) => void): HTMLElement[] {
  const kinds = h('table', { class: 'jobs-kinds' },
    h('thead', {}, h('tr', {}, ...['kind', 'waiting', 'running', 'done', 'failed', 'cancelled', ''].map((c) => h('th', {}, c)))),
    h('tbody', {}, ...data.kinds.map((k) =>
      h('tr', { class: k.paused ? 'paused' : '' },
        h('td', {}, k.kind, k.paused ? h('span', { class: 'badge' }, 'paused') : null),
        ...(['waiting', 'running', 'done', 'failed', 'cancelled'] as const).map((s) => h('td', {}, String(k.counts[s]))),
        h('td', {}, h('button', { type: 'button', onclick: () => act(`/api/jobs/kinds/${k.kind}/${k.paused ? 'resume' : 'pause'}`) }, k.paused ? 'Resume' : 'Pause'))))));
  const list = data.jobs.length
    ? h('table', { class: 'jobs-list' }, h('thead', {}, h('tr', {}, ...['#', 'kind', 'state', 'progress', 'time', ''].map((c) => h('th', {}, c)))), h('tbody', {}, ...data.jobs.map((j) => jobRow(j, act))))
    : h('p', { class: 'hint' }, 'No background work yet.');
  // On a phone the tables scroll sideways inside their box; the page itself stays the screen's width.
  const scroll = (table: HTMLElement) => (table.tagName === 'TABLE' ? h('div', { class: 'table-scroll' }, table) : table);
  return [h('p', { class: 'hint' }, `Jobs share ${data.cpuBudget} core${data.cpuBudget === 1 ? '' : 's'}; the rest serve pages. Pausing a kind stops its new jobs, and the poster text pass between posters.`), scroll(kinds), h('h2', {}, 'Newest jobs'), scroll(list)];
}

export function renderJobs(root: HTMLElement): Cleanup {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let left = false;
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, 'Loading…');
  const body = h('div', { class: 'jobs-page' });
  root.replaceChildren(h('h1', {}, 'Background jobs'), status, body);
  const refresh = async (): Promise<void> => {
    clearTimeout(timer);
    try {
      const data = await jobs();
      if (left) return;
      status.textContent = '';
      body.replaceChildren(...view(data, act));
    } catch (err) {
      if (!left) status.textContent = `Error: ${(err as Error).message}`;
    }
    if (!left) timer = setTimeout(() => void refresh(), REFRESH_MS);
  };
  const act = (path: string): void => {
    void jobAction(path).then(refresh, (err: Error) => void (status.textContent = `Error: ${err.message}`));
  };
  void refresh();
  return () => {
    left = true;
    clearTimeout(timer);
  };
}
