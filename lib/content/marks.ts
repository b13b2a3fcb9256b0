/**
 * The subtle marker on flagged messages, drawn WITHOUT touching the chat's DOM: one fixed, click-through layer in
 * the extension's own closed shadow host, holding an outline per marked message over its visible part.
 *
 * Positions come from an IntersectionObserver: the browser reports each marked message's visible rectangle (already
 * clipped by the chat's scrolling list) after its own layout, so the marker never forces a layout of the page.
 * After a scroll, a window resize or a size change of a marked message (ResizeObserver), the messages are observed
 * anew, which brings a fresh report in the next frame. Never a timer; a handful of elements at most.
 */
import { OWN_HOST_ATTRIBUTE } from './page-scanner';

export const MARKS_HOST_ATTRIBUTE = 'data-not-alone-marks';
const HOST_TAG = 'not-alone-marks';
const MAX_MARKS = 20;

const STYLE = `
:host { all: initial; }
.layer { position: fixed; inset: 0; pointer-events: none; z-index: 2147483646; overflow: hidden; }
.mark { position: fixed; box-sizing: border-box; border: 2px solid #d97706; border-radius: 8px;
  box-shadow: 0 0 0 2px rgba(255, 251, 235, .7); pointer-events: none; }
.mark[hidden] { display: none; }
.mark::before { content: ""; position: absolute; left: -7px; top: 6px; width: 6px; height: 6px; border-radius: 50%; background: #d97706; }
`;

export interface Marks {
  /** Mark these elements (replacing earlier marks); an empty list removes them. */
  show(elements: readonly Element[]): void;
  /** Remove the layer and stop listening. */
  destroy(): void;
}

interface Tracked {
  element: Element;
  box: HTMLElement;
}

export function createMarks(doc: Document): Marks {
  const view = doc.defaultView;
  let host: HTMLElement | null = null;
  let layer: HTMLElement | null = null;
  let tracked: Tracked[] = [];
  let frame: number | undefined;
  const listeners = new AbortController();

  const ensureLayer = (): HTMLElement => {
    if (layer && host?.isConnected) return layer;
    host = doc.createElement(HOST_TAG);
    host.setAttribute(MARKS_HOST_ATTRIBUTE, '');
    host.setAttribute(OWN_HOST_ATTRIBUTE, '');
    host.setAttribute('aria-hidden', 'true');
    host.style.setProperty('all', 'initial', 'important');
    host.style.setProperty('display', 'block', 'important');
    const root = host.attachShadow({ mode: 'closed' });
    const style = doc.createElement('style');
    style.textContent = STYLE;
    layer = doc.createElement('div');
    layer.className = 'layer';
    root.append(style, layer);
    (doc.body ?? doc.documentElement).append(host);
    return layer;
  };

  const draw = (box: HTMLElement, rect: { left: number; top: number; width: number; height: number } | null): void => {
    box.hidden = !rect || rect.height < 4 || rect.width < 4;
    if (rect && !box.hidden) box.style.cssText = `left:${rect.left - 3}px;top:${rect.top - 3}px;width:${rect.width + 6}px;height:${rect.height + 6}px`;
  };

  const Intersection = view?.IntersectionObserver;
  const visibility = Intersection
    ? new Intersection(
        (entries) => {
          for (const entry of entries) {
            const mark = tracked.find((t) => t.element === entry.target);
            if (mark) draw(mark.box, entry.isIntersecting ? entry.intersectionRect : null);
          }
        },
        { threshold: [0, 0.25, 0.5, 0.75, 1] },
      )
    : null;

  /** Ask for fresh rectangles (next frame, after the browser's layout). */
  const refresh = (): void => {
    frame = undefined;
    for (const { element, box } of tracked) {
      if (!element.isConnected) {
        draw(box, null);
      } else if (visibility) {
        visibility.unobserve(element);
        visibility.observe(element);
      } else {
        // No IntersectionObserver (old browsers, test DOMs): read the rectangle in the animation frame.
        draw(box, element.getBoundingClientRect());
      }
    }
  };

  const request = (): void => {
    if (frame === undefined && tracked.length && view) frame = view.requestAnimationFrame(refresh);
  };

  const Resize = view?.ResizeObserver;
  const sizes = Resize ? new Resize(request) : null;

  view?.addEventListener('scroll', request, { capture: true, passive: true, signal: listeners.signal });
  view?.addEventListener('resize', request, { passive: true, signal: listeners.signal });

  const stop = (): void => {
    if (frame !== undefined) view?.cancelAnimationFrame(frame);
    frame = undefined;
    visibility?.disconnect();
    sizes?.disconnect();
  };

  return {
    show(elements) {
      const wanted = elements.slice(0, MAX_MARKS);
      for (const old of tracked) {
        if (wanted.includes(old.element)) continue;
        old.box.remove();
        visibility?.unobserve(old.element);
        sizes?.unobserve(old.element);
      }
      const kept = tracked.filter((t) => wanted.includes(t.element));
      tracked = wanted.map((element) => {
        const existing = kept.find((t) => t.element === element);
        if (existing) return existing;
        const box = doc.createElement('div');
        box.className = 'mark';
        box.hidden = true;
        ensureLayer().append(box);
        sizes?.observe(element);
        return { element, box };
      });
      if (tracked.length) {
        request();
      } else {
        stop();
        host?.remove();
        host = null;
        layer = null;
      }
    },
    destroy() {
      stop();
      listeners.abort();
      tracked = [];
      host?.remove();
      host = null;
      layer = null;
    },
  };
}
