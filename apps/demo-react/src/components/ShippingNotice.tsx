import { Unmask } from '@veil/react';

export function ShippingNotice() {
  return (
    <Unmask as="p" className="notice" id="shipping-notice">
      Free shipping on orders over €60 · order before 14:00 for same-day dispatch.{' '}
      <small>
        (Wrapped in <code>&lt;Unmask&gt;</code>: strict mode records it.)
      </small>
    </Unmask>
  );
}
