/**
 * Exports of what a page shows (search results, pairs, borrowings, a trend, a film's shots): the
 * file is built in the browser from the data already on the page when its button is clicked, so an
 * upload's results export as shown, with no second query. The writers (src/**​/…-csv.ts,
 * src/films/shot-export.ts, with csv-stringify) load on the first click: kept out of the first
 * page load they would add 37 KB to the main bundle (381.6 → 418.4 KB, measured 2026-12-07).
 */
import { h } from './dom.js';

/** Saves text as a file through the browser's download. */
export function download(name: string, type: string, body: string): void {
  const url = URL.createObjectURL(new Blob([body], { type }));
  h('a', { href: url, download: name }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface ExportFile {
  /** The button's text, e.g. "CSV". */
  label: string;
  /** The button's data-export attribute: the format. */
  key: string;
  build: () => Promise<{ name: string; type: string; body: string }>;
}

/** A button that builds the file and saves it. */
export function exportButton(f: ExportFile): HTMLElement {
  return h('button', { type: 'button', class: 'export', 'data-export': f.key, onclick: () => void f.build().then((x) => download(x.name, x.type, x.body)) }, f.label);
}

/** "Export these results: CSV JSON": one button per file. */
export function exportButtons(what: string, files: ExportFile[]): HTMLElement {
  return h('p', { class: 'exports' }, `Export ${what}: `, ...files.map(exportButton));
}

export const jsonFile = (name: string, data: () => unknown): ExportFile => ({ label: 'JSON', key: 'json', build: async () => ({ name, type: 'application/json', body: `${JSON.stringify(data(), null, 2)}\n` }) });
export const csvFile = (name: string, body: () => Promise<string>): ExportFile => ({ label: 'CSV', key: 'csv', build: async () => ({ name, type: 'text/csv', body: await body() }) });
