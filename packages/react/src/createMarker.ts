import { createElement, forwardRef, type ComponentPropsWithRef, type ElementType, type ReactElement } from 'react';
import { MARK_ATTRIBUTE, strongestMark, type RegionMark } from '@veil/core';

/** Props of `<Sensitive>`, `<NoRecord>` and `<Unmask>`: `as` picks the element (default `div`), the rest go to it. */
export type MarkerProps<T extends ElementType = 'div'> = { as?: T } & Omit<ComponentPropsWithRef<T>, 'as'>;

/** A component that renders its element with a `data-veil` marker. */
export interface MarkerComponent {
  <T extends ElementType = 'div'>(props: MarkerProps<T>): ReactElement | null;
  displayName?: string;
}

/** The props a marker hook returns, to spread on any element. */
export type MarkerAttributes<M extends RegionMark = RegionMark> = { readonly [MARK_ATTRIBUTE]: M };

/** `M` or any mark stronger than it: what a marker renders once another mark may have raised it. */
export type AtLeast<M extends RegionMark> = M extends 'block' ? 'block' : M extends 'mask' ? 'mask' | 'block' : RegionMark;

/** `props` with the marker of a hook merged in: the stronger of theirs and the hook's own. */
export type MarkedProps<P, M extends RegionMark> = Omit<P, typeof MARK_ATTRIBUTE> & MarkerAttributes<AtLeast<M>>;

/** The strongest of `mark` and whatever marker `props` already carry (a `data-veil` prop, another marker's). */
function raise(props: { readonly [MARK_ATTRIBUTE]?: unknown }, mark: RegionMark): RegionMark {
  const given = props[MARK_ATTRIBUTE];
  // React renders any other value as text, and the core reads text it does not know as `mask`
  return strongestMark(given === null || given === undefined || given === false ? null : String(given), mark) ?? mark;
}

/**
 * The props of a marker hook: `own` alone (the same frozen object on every
 * call), or `props` with the stronger of their marker and `own`'s.
 */
export function markProps<M extends RegionMark>(own: MarkerAttributes<M>, props?: object): object {
  if (props === undefined) return own;
  return { ...props, [MARK_ATTRIBUTE]: raise(props, own[MARK_ATTRIBUTE]) };
}

export function createMarker(mark: RegionMark, name: string): MarkerComponent {
  // A data-veil prop (passed by hand, or by an outer marker through `as`) can
  // raise the marker but never weaken it: the core decides which mark is stronger.
  const Marker = forwardRef<Element, { as?: ElementType; [MARK_ATTRIBUTE]?: unknown }>(({ as = 'div', ...props }, ref) =>
    createElement(as, { ...props, ref, [MARK_ATTRIBUTE]: raise(props, mark) }),
  );
  Marker.displayName = name;
  return Marker as unknown as MarkerComponent;
}
