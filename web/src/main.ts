/** Client-side routing between the pages; each page's render returns a cleanup, run when it is left. */
import { textStatus } from './api.js';
import { navigate, type Cleanup } from './dom.js';
import { renderAtlas } from './pages/atlas.js';
import { renderHome } from './pages/home.js';
import { renderMovie } from './pages/movie.js';
import { renderPairs } from './pages/pairs.js';
import { renderStills } from './pages/stills.js';
import { renderStillsAtlas } from './pages/stills-atlas.js';
import { renderFilms } from './pages/film.js';
import { renderTrends } from './pages/trends.js';
import { renderBorrowings } from './pages/borrowings.js';
import { renderPosterVsFilm } from './pages/poster-vs-film.js';
import { renderJobs } from './pages/jobs.js';

const root = document.getElementById('app')!;

let leave: Cleanup = () => undefined;
let firstPage = true;

function route(): void {
  leave();
  const path = location.pathname;
  const movie = /^\/movie\/(.+)$/.exec(path);
  if (movie) leave = renderMovie(root, decodeURIComponent(movie[1]!));
  else if (path === '/pairs') leave = renderPairs(root);
  else if (path === '/atlas') leave = renderAtlas(root);
  else if (path === '/stills') leave = renderStills(root);
  else if (path === '/stills/atlas') leave = renderStillsAtlas(root);
  else if (path === '/films') leave = renderFilms(root);
  else if (path === '/trends') leave = renderTrends(root);
  else if (path === '/borrowings') leave = renderBorrowings(root);
  else if (path === '/poster-vs-film') leave = renderPosterVsFilm(root);
  else if (path === '/jobs') leave = renderJobs(root);
  else leave = renderHome(root);
  // After a page change focus moves to the new page (screen readers read from there); not on the
  // first load, where the browser's own start is right.
  if (!firstPage) root.focus({ preventScroll: true });
  firstPage = false;
}

document.addEventListener('click', (e) => {
  const a = (e.target as HTMLElement).closest('a[data-link]') as HTMLAnchorElement | null;
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
});
window.addEventListener('popstate', route);
route();

/** While posters' text is being read in the background (serve --read-text), the header says how far it is, and links to the jobs page. */
async function watchTextReading(): Promise<void> {
  const badge = document.getElementById('text-status');
  if (!badge) return;
  try {
    const s = await textStatus();
    if (!s) {
      // Not readable (yet): the token may still be asked for by the page; look again later.
      setTimeout(() => void watchTextReading(), 15_000);
      return;
    }
    const total = s.read + s.failed + s.pending;
    const rate = s.rate ? ` (${s.rate.toFixed(1)}/s)` : '';
    if (s.running && (s.pending > 0 || s.smallPrint > 0)) {
      badge.hidden = false;
      badge.textContent =
        s.pending > 0
          ? `Reading poster text: ${(s.read + s.failed).toLocaleString()} of ${total.toLocaleString()}${rate}`
          : `Reading small print: ${(s.read - s.smallPrint).toLocaleString()} of ${s.read.toLocaleString()}${rate}`;
      setTimeout(() => void watchTextReading(), 5000);
    } else badge.hidden = true;
  } catch {
    badge.hidden = true;
  }
}
void watchTextReading();
