import { Sensitive } from '@veil/react';

/** Everything inside <Sensitive> is masked: text, attributes, input values. */
export function CustomerPanel() {
  return (
    <Sensitive as="section" className="card customer" id="customer-panel" aria-labelledby="customer-title">
      <div className="section-head">
        <h2 id="customer-title">Your account</h2>
        <span className="marker-note">&lt;Sensitive&gt;</span>
      </div>
      <div className="customer-id" data-customer-id="CU-40917-KX" title="Cordelia Ashdown-Pryce">
        <span className="avatar" aria-hidden="true">
          CA
        </span>
        <div>
          <p className="customer-name">Cordelia Ashdown-Pryce</p>
          <p className="customer-email">c.ashdown@example.org</p>
        </div>
      </div>
      <table className="orders">
        <caption>Order history</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Date</th>
            <th scope="col">Items</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>VX-31877-KX</td>
            <td>4 Nov</td>
            <td>Alpaca Beanie</td>
            <td>€35.00</td>
          </tr>
          <tr>
            <td>VX-30412-KX</td>
            <td>19 Sep</td>
            <td>Enamel Camp Mug ×2</td>
            <td>€36.00</td>
          </tr>
        </tbody>
      </table>
      <label className="account-note">
        Note to our team
        <input id="account-note" name="note" placeholder="Anything we should know?" />
      </label>
    </Sensitive>
  );
}
