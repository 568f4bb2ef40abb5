import { ChangeDetectionStrategy, Component, computed, signal } from '@angular/core';
import { CurrencyPipe } from '@angular/common';

interface Product {
  name: string;
  description: string;
  price: number;
  swatch: string;
}

@Component({
  selector: 'app-products',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CurrencyPipe],
  host: { class: 'card products' },
  template: `
    <div class="section-head">
      <h2>New this week</h2>
      <label class="search">
        <span class="visually-hidden">Search the shop</span>
        <input
          id="search"
          type="search"
          name="q"
          placeholder="Search the shop"
          autocomplete="off"
          [value]="query()"
          (input)="query.set($any($event.target).value)"
        />
      </label>
    </div>
    <ul class="product-grid">
      @for (product of shown(); track product.name) {
        <li class="product">
          <div class="swatch" [class]="'swatch ' + product.swatch" aria-hidden="true"></div>
          <h3 class="product-name">{{ product.name }}</h3>
          <p class="product-desc">{{ product.description }}</p>
          <p class="price">{{ product.price | currency: 'EUR' }}</p>
          <button type="button" class="add" [attr.data-product]="product.name" (click)="add(product)">Add to cart</button>
        </li>
      }
    </ul>
    <p class="cart">
      Cart: <strong id="cart-count">{{ count() }} {{ count() === 1 ? 'item' : 'items' }}</strong> ·
      <span id="cart-total">{{ total() | currency: 'EUR' }}</span>
    </p>
  `,
})
export class ProductsComponent {
  protected readonly products: Product[] = [
    { name: 'Linen Overshirt', description: 'Stone-washed Belgian linen, boxy fit.', price: 89, swatch: 'linen' },
    { name: 'Merino Crew Socks', description: 'Three pairs, ribbed cuff, made in Portugal.', price: 24, swatch: 'merino' },
    { name: 'Waxed Canvas Tote', description: 'Leather handles, inner zip pocket.', price: 59, swatch: 'canvas' },
  ];
  protected readonly query = signal('');
  protected readonly shown = computed(() => {
    const q = this.query().trim().toLowerCase();
    // a search that matches nothing still shows everything: this is a demo, not a shop
    const hits = this.products.filter((p) => p.name.toLowerCase().includes(q));
    return hits.length ? hits : this.products;
  });
  protected readonly count = signal(0);
  protected readonly total = signal(0);

  protected add(product: Product): void {
    this.count.update((n) => n + 1);
    this.total.update((t) => t + product.price);
  }
}
