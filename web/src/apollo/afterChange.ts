import type { ApolloCache } from "@apollo/client";

/**
 * After money moved in these accounts: their history pages and totals are dropped from the
 * cache (a history screen on display asks for its first page again; nothing else refetches).
 * Balances and this period's budget come back in the mutation's payload and update in place.
 */
export function afterMoneyChange(cache: ApolloCache, accountIds: readonly (string | null | undefined)[]): void {
  for (const id of accountIds) {
    if (!id) continue;
    const ref = cache.identify({ __typename: "Account", id });
    if (!ref) continue;
    cache.evict({ id: ref, fieldName: "transactions" });
    cache.evict({ id: ref, fieldName: "totals" });
    cache.evict({ id: ref, fieldName: "upcoming" });
    // Other periods' budgets (the current one, unparameterised, came back in the payload).
    cache.modify({
      id: ref,
      fields: { budget: (value, { storeFieldName, DELETE }) => (storeFieldName === "budget" ? value : DELETE) },
    });
  }
  cache.evict({ id: "ROOT_QUERY", fieldName: "householdBudget" });
  cache.gc();
}

/**
 * The `update` of a mutation that changes money or budget figures in these accounts: once
 * the API accepted the change, `afterMoneyChange`; a refused one (userErrors) changed
 * nothing, so nothing is evicted.
 */
export function onAcceptedChange(accountIds: readonly (string | null | undefined)[]) {
  return (cache: ApolloCache, { data }: { data?: unknown }): void => {
    if (!data || typeof data !== "object") return;
    const refused = Object.values(data).some(
      (payload) => (payload as { userErrors?: readonly unknown[] } | null)?.userErrors?.length,
    );
    if (!refused) afterMoneyChange(cache, accountIds);
  };
}
