import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Lets the Web UI filter runs by branch: `RentProgBranch = "batumi"`. */
export const BRANCH_SEARCH_ATTRIBUTE = defineSearchAttributeKey(
  'RentProgBranch',
  SearchAttributeType.KEYWORD,
);
/** Lets the Web UI filter events by normalized type: `RentProgEvent = "booking.created"`. */
export const EVENT_SEARCH_ATTRIBUTE = defineSearchAttributeKey('RentProgEvent', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [BRANCH_SEARCH_ATTRIBUTE, EVENT_SEARCH_ATTRIBUTE];
