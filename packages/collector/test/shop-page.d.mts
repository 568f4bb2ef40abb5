import type { Page } from 'playwright-core';
export declare function startShop(): Promise<{ url: string; origin: string; close(): Promise<void> }>;
export declare function visitShop(page: Page, url: string, idleMs?: number): Promise<void>;
export declare function visitShopLong(page: Page, url: string, minutes?: number): Promise<number>;
