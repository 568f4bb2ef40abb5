import { useState } from 'react';
import { useUnmask } from '@veil/react';

const PRODUCTS = [
  { name: 'Harbour Rain Jacket', desc: 'Waxed cotton, storm hood, two-way zip.', price: 129, swatch: 'harbour' },
  { name: 'Alpaca Beanie', desc: 'Undyed alpaca, knitted in Peru.', price: 35, swatch: 'alpaca' },
  { name: 'Enamel Camp Mug', desc: 'Speckled blue enamel, 350 ml.', price: 18, swatch: 'enamel' },
];

const euro = (n: number) => `€${n.toFixed(2)}`;

export function Products() {
  const [cart, setCart] = useState<string[]>([]);
  const total = cart.reduce((sum, name) => sum + (PRODUCTS.find((p) => p.name === name)?.price ?? 0), 0);
  return (
    <section className="card products" aria-labelledby="products-title">
      <div className="section-head">
        <h2 id="products-title">New this week</h2>
        {/* an ordinary field: its value is recorded in relaxed mode only */}
        <form role="search" onSubmit={(event) => event.preventDefault()}>
          <label className="search">
            <span className="visually-hidden">Search the shop</span>
            <input id="search" type="search" name="q" placeholder="Search the shop" autoComplete="off" />
          </label>
        </form>
      </div>
      <ul className="product-grid">
        {PRODUCTS.map((p) => (
          <li key={p.name} className="product">
            <div className={`swatch ${p.swatch}`} aria-hidden="true" />
            <h3 className="product-name">{p.name}</h3>
            <p className="product-desc">{p.desc}</p>
            <p className="price">{euro(p.price)}</p>
            <button type="button" className="add" data-product={p.name} onClick={() => setCart([...cart, p.name])}>
              Add to cart
            </button>
          </li>
        ))}
      </ul>
      {/* useUnmask(): strict mode records this line too */}
      <p className="cart" {...useUnmask()}>
        In your basket: <strong id="cart-count">{cart.length === 1 ? '1 item' : `${cart.length} items`}</strong> ·{' '}
        <span id="cart-total">{euro(total)}</span>
      </p>
    </section>
  );
}
