import { Directive, input } from '@angular/core';
import { MARK_HOST_BINDING, hostMark, markInput } from './veil-mark';

/**
 * Records the plain text of the element's subtree in `strict` mode (where page
 * text is masked by default); for public copy such as product names. It never
 * unmasks a sensitive field (passwords, card fields …), and never lifts an
 * ancestor's `[sensitive]` or `[noRecord]`; on one element, those win too.
 * Renders `data-veil="unmask"` through a host binding; `[unmask]="expr"`
 * switches it: on for `''` and truthy values, removed for `false`.
 *
 * @example
 * <h2 unmask>{{ product.title }}</h2>
 */
@Directive({
  selector: '[unmask]',
  host: { [MARK_HOST_BINDING]: 'veilMark()' },
})
export class UnmaskDirective {
  /** `false` removes the mark; `''` (plain attribute) and truthy values set it. */
  readonly unmask = input(true, { transform: markInput });
  protected readonly veilMark = hostMark('unmask', this.unmask);
}
