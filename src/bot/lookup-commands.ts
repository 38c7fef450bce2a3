import type { Context } from 'grammy';
import { findBookings, findCars, normalizePlate } from '../store/lookup-queries.js';
import { lookupTexts } from '../texts/lookups.js';
import { branchDisplay } from './agenda-commands.js';
import { commandArgument } from './branch-argument.js';
import type { BotDeps } from './deps.js';
import { replyInParts } from './reply-in-parts.js';

/** More cars than this in one answer is a list nobody reads: the rest are counted instead. */
const CARS_SHOWN = 10;

/** `/booking <number or RentProg id>`: the booking's card, or every booking with that number. */
export function bookingCommand(deps: BotDeps) {
  return async (ctx: Context): Promise<void> => {
    const wanted = commandArgument(ctx.match).replace(/^[#№]\s*/, '');
    if (!/^\d{1,15}$/.test(wanted)) {
      await ctx.reply(lookupTexts.bookingUsage);
      return;
    }
    const cards = await findBookings(deps.db, Number(wanted));
    await replyInParts(
      ctx,
      cards.length === 0
        ? lookupTexts.bookingNotFound(wanted)
        : lookupTexts.bookings(branchDisplay(deps), cards, deps.now?.() ?? new Date()),
    );
  };
}

/** `/car <plate or part of it>`: each matching car, where it is, and its next handover or return. */
export function carCommand(deps: BotDeps) {
  return async (ctx: Context): Promise<void> => {
    const wanted = commandArgument(ctx.match);
    if (normalizePlate(wanted) === '') {
      await ctx.reply(lookupTexts.carUsage);
      return;
    }
    const now = deps.now?.() ?? new Date();
    const { cars, matches } = await findCars(deps.db, {
      plateFragment: wanted,
      now,
      cancelStates: deps.cancelStates,
      limit: CARS_SHOWN,
    });
    await replyInParts(
      ctx,
      matches === 0
        ? lookupTexts.carNotFound(wanted)
        : lookupTexts.cars(branchDisplay(deps), cars, matches, now),
    );
  };
}
