import { createElement, forwardRef, type ComponentPropsWithRef, type ElementType, type ReactElement } from 'react';
import type { RegionMark } from '@veil/core';

/** Props of `<Sensitive>`, `<NoRecord>` and `<Unmask>`: `as` picks the element (default `div`), the rest go to it. */
export type MarkerProps<T extends ElementType = 'div'> = { as?: T } & Omit<ComponentPropsWithRef<T>, 'as'>;

/** A component that renders its element with a `data-veil` marker. */
export interface MarkerComponent {
  <T extends ElementType = 'div'>(props: MarkerProps<T>): ReactElement | null;
  displayName?: string;
}

/** The props a marker hook returns, to spread on any element. */
export type MarkerAttributes<M extends RegionMark> = { readonly 'data-veil': M };

export function createMarker(mark: RegionMark, name: string): MarkerComponent {
  // the marker goes last: a data-veil prop passed by mistake cannot weaken it
  const Marker = forwardRef<Element, { as?: ElementType }>(({ as = 'div', ...props }, ref) =>
    createElement(as, { ...props, ref, 'data-veil': mark }),
  );
  Marker.displayName = name;
  return Marker as unknown as MarkerComponent;
}
