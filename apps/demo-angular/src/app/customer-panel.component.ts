import { ChangeDetectionStrategy, Component } from '@angular/core';

/**
 * The signed-in customer's details. It has no marker of its own: the app
 * template puts it under [sensitive] (`<app-customer-panel sensitive />`).
 */
@Component({
  selector: 'app-customer-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'card customer', 'aria-labelledby': 'customer-title' },
  template: `
    <div class="section-head">
      <h2 id="customer-title">Your account</h2>
      <span class="marker-note">sensitive</span>
    </div>
    <div class="customer-id" [attr.data-customer-id]="customer.id" [title]="customer.name">
      <span class="avatar" aria-hidden="true">MQ</span>
      <div>
        <p class="customer-name">{{ customer.name }}</p>
        <p class="customer-email">{{ customer.email }}</p>
      </div>
    </div>
    <table class="orders">
      <caption>Order history</caption>
      <thead>
        <tr><th scope="col">Order</th><th scope="col">Date</th><th scope="col">Items</th><th scope="col">Total</th></tr>
      </thead>
      <tbody>
        @for (order of orders; track order.id) {
          <tr><td>{{ order.id }}</td><td>{{ order.date }}</td><td>{{ order.items }}</td><td>{{ order.total }}</td></tr>
        }
      </tbody>
    </table>
  `,
})
export class CustomerPanelComponent {
  protected readonly customer = { id: 'CU-88421-QB', name: 'Margarethe Quellbrunn', email: 'm.quellbrunn@example.org' };
  protected readonly orders = [
    { id: 'VX-58213-QB', date: '12 Oct', items: 'Waxed Canvas Tote', total: '€59.00' },
    { id: 'VX-57190-QB', date: '3 Sep', items: 'Merino Crew Socks ×2', total: '€48.00' },
    { id: 'VX-55502-QB', date: '28 Jul', items: 'Gift card', total: '€25.00' },
  ];
}
