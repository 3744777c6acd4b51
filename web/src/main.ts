/** Client-side routing between the home, movie and pairs pages. */
import { navigate } from './dom.js';
import { renderAtlas } from './pages/atlas.js';
import { renderHome } from './pages/home.js';
import { renderMovie } from './pages/movie.js';
import { renderPairs } from './pages/pairs.js';
import { renderStills } from './pages/stills.js';

const root = document.getElementById('app')!;

function route(): void {
  const path = location.pathname;
  const movie = /^\/movie\/(.+)$/.exec(path);
  if (movie) void renderMovie(root, decodeURIComponent(movie[1]!));
  else if (path === '/pairs') void renderPairs(root);
  else if (path === '/atlas') void renderAtlas(root);
  else if (path === '/stills') void renderStills(root);
  else renderHome(root);
  root.focus();
}

document.addEventListener('click', (e) => {
  const a = (e.target as HTMLElement).closest('a[data-link]') as HTMLAnchorElement | null;
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
});
window.addEventListener('popstate', route);
route();
