import { useState, type FormEvent } from 'react';

/** Card fields (autocomplete cc-*) are sensitive: never recorded, whatever the mode. */
export function CheckoutForm() {
  const [status, setStatus] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setStatus('Order placed (not really: nothing was charged).');
  };
  return (
    <form className="card" id="checkout-form" onSubmit={submit}>
      <h2>Checkout</h2>
      <fieldset>
        <legend>Payment</legend>
        <label>
          Card number
          <input id="card-number" name="cardnumber" autoComplete="cc-number" inputMode="numeric" placeholder="1234 5678 9012 3456" />
        </label>
        <div className="row">
          <label>
            Expiry
            <input id="card-exp" name="exp-date" autoComplete="cc-exp" placeholder="MM/YY" maxLength={7} />
          </label>
          <label>
            CVC
            <input id="card-cvc" name="cvc" autoComplete="cc-csc" inputMode="numeric" maxLength={4} placeholder="123" />
          </label>
        </div>
        <label>
          Name on card
          <input id="card-name" name="ccname" autoComplete="cc-name" />
        </label>
      </fieldset>
      <label>
        Coupon
        <input id="coupon" name="coupon" autoComplete="off" placeholder="SPRING10" />
      </label>
      <button type="submit" className="primary">
        Place order
      </button>
      <p className="form-status" role="status">
        {status}
      </p>
    </form>
  );
}
