/**
 * An image slot: click, Enter/Space, drop or paste. One Tab stop (the zone; its file input is
 * reached through it). A file that is not an image, or that the browser cannot show, is refused
 * with `onError` and leaves the slot empty (no broken-image icon). The search page's poster slots
 * and the stills page's still use it.
 */
import { h } from './dom.js';

/** A file the page can send as a query image, or the reason it cannot. */
function imageProblem(f: File, what: string): string | null {
  if (f.type && !f.type.startsWith('image/')) return `${f.name} is not an image (${f.type}): choose a JPEG, PNG or WebP ${what}.`;
  if (!f.type && !/\.(jpe?g|png|webp|gif|avif|tiff?)$/i.test(f.name)) return `${f.name} does not look like an image: choose a JPEG, PNG or WebP ${what}.`;
  return null;
}

/** Pasting an image anywhere on the page puts it in the zone; returns what stops listening. */
export function pasteInto(zone: { set(f: File | undefined): void }): () => void {
  const onPaste = (e: ClipboardEvent): void => {
    const f = [...(e.clipboardData?.files ?? [])].find((x) => x.type.startsWith('image/'));
    if (f) zone.set(f);
  };
  document.addEventListener('paste', onPaste);
  return () => document.removeEventListener('paste', onPaste);
}

export interface DropZoneOptions {
  /** The file input's name (and id: file-<name>). */
  name: string;
  /** What the zone says while empty, and its accessible name. */
  label: string;
  /** What the image is, in messages: "poster", "still". */
  what: string;
  /** The clear button's accessible name (default: "remove the <what>"). */
  clearLabel?: string;
  onChange: (file: File | undefined) => void;
  onError: (message: string) => void;
}

export function dropZone(o: DropZoneOptions): { element: HTMLElement; set(f: File | undefined): void } {
  const input = h('input', { type: 'file', accept: 'image/*', name: o.name, id: `file-${o.name}`, class: 'visually-hidden', tabindex: '-1' });
  const preview = h('img', { class: 'preview', alt: '' });
  const zone = h('label', { class: 'drop', for: `file-${o.name}`, tabindex: '0', role: 'button', 'aria-label': o.label }, h('span', { class: 'drop-text' }, o.label), preview, input);
  let current: File | undefined;
  const set = (f: File | undefined) => {
    const problem = f ? imageProblem(f, o.what) : null;
    if (problem) {
      input.value = '';
      o.onError(problem);
      f = undefined;
    }
    if (preview.src.startsWith('blob:')) URL.revokeObjectURL(preview.src);
    current = f;
    zone.classList.toggle('has-image', !!f);
    if (f) preview.src = URL.createObjectURL(f);
    else preview.removeAttribute('src');
    preview.alt = f ? `query image ${f.name}` : '';
    if (!problem) o.onChange(f);
  };
  preview.addEventListener('error', () => {
    if (!current) return;
    const name = current.name;
    input.value = '';
    current = undefined;
    zone.classList.remove('has-image');
    preview.removeAttribute('src');
    o.onChange(undefined);
    o.onError(`${name} could not be read as an image: choose a JPEG, PNG or WebP ${o.what}.`);
  });
  input.addEventListener('change', () => set(input.files?.[0]));
  zone.addEventListener('dragover', (e) => (e.preventDefault(), zone.classList.add('over')));
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) set(f);
  });
  zone.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), input.click()));
  const clear = h('button', { type: 'button', class: 'clear', 'aria-label': o.clearLabel ?? `remove the ${o.what}`, onclick: () => ((input.value = ''), set(undefined)) }, '×');
  return { element: h('div', { class: 'drop-wrap' }, zone, clear), set };
}
