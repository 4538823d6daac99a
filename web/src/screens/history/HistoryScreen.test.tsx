import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { downloads } from "./ExportButton";
import { HistoryScreen } from "./HistoryScreen";
import { boardAccount, entry, mockClient, page, renderScreen, totals, type Call } from "./testing";

const firstPage = Array.from({ length: 30 }, (_, i) => entry(40 - i));
const secondPage = Array.from({ length: 5 }, (_, i) => entry(10 - i));

function history(call: Call) {
  if (call.operationName === "HistoryTotals") return totals(35);
  if (call.operationName === "HistoryPage") return call.variables["after"] === "c11" ? page(secondPage, false) : page(firstPage, true);
  throw new Error(`unexpected ${call.operationName}`);
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("HistoryScreen", () => {
  it("lists entries with their running balance and recorder, and appends the next page", async () => {
    const { client, calls } = mockClient(history);
    renderScreen(<HistoryScreen />, { client, account: boardAccount("OWNER"), path: "/accounts/A1/history" });

    const list = await screen.findByRole("list", { name: "History" });
    expect(within(list).getAllByRole("listitem", { name: /^Entry \d+$/ })).toHaveLength(30);
    const top = within(list).getByRole("listitem", { name: "Entry 40" });
    expect(top).toHaveTextContent("Shop 40");
    expect(top).toHaveTextContent("Balance €960.00");
    expect(top).toHaveTextContent("Ada Lovelace");
    expect(top).toHaveTextContent("-€10.00");
    expect(top).toHaveTextContent("Groceries");
    expect(await screen.findByLabelText("Totals")).toHaveTextContent("35");
    expect(calls.find((c) => c.operationName === "HistoryPage")?.variables).toMatchObject({ first: 30, filter: null });

    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(within(list).getAllByRole("listitem", { name: /^Entry \d+$/ })).toHaveLength(35));
    // Merged by relayStylePagination: the first page is still there, the new one after it.
    const names = within(list).getAllByRole("listitem", { name: /^Entry \d+$/ }).map((li) => li.getAttribute("aria-label"));
    expect(names[0]).toBe("Entry 40");
    expect(names[34]).toBe("Entry 6");
    expect(calls.filter((c) => c.operationName === "HistoryPage").at(-1)?.variables).toMatchObject({ after: "c11", first: 30 });
    expect(await screen.findByText("End of history")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("loads the next page when the sentinel scrolls into view", async () => {
    const observers: { callback: IntersectionObserverCallback; target?: Element }[] = [];
    vi.stubGlobal(
      "IntersectionObserver",
      class {
        record: { callback: IntersectionObserverCallback; target?: Element };
        constructor(callback: IntersectionObserverCallback) {
          this.record = { callback };
          observers.push(this.record);
        }
        observe(target: Element) {
          this.record.target = target;
        }
        disconnect() {}
        unobserve() {}
        takeRecords() {
          return [];
        }
      },
    );
    const { client } = mockClient(history);
    renderScreen(<HistoryScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/history" });
    const list = await screen.findByRole("list", { name: "History" });
    const sentinel = screen.getByTestId("history-sentinel");
    const watching = observers.filter((o) => o.target === sentinel).at(-1)!;
    act(() => watching.callback([{ isIntersecting: true, target: sentinel } as unknown as IntersectionObserverEntry], {} as IntersectionObserver));
    await waitFor(() => expect(within(list).getAllByRole("listitem", { name: /^Entry \d+$/ })).toHaveLength(35));
    expect(await screen.findByText("End of history")).toBeInTheDocument();
  });

  it("shows a refused undo next to its entry", async () => {
    const { client, calls } = mockClient((call) => {
      if (call.operationName === "UndoEntryWeb") {
        return {
          undoTransaction: {
            __typename: "UndoPayload",
            reversals: [],
            accounts: [],
            userErrors: [{ __typename: "UserError", field: ["input", "id"], message: "Entry #39 is reconciled: reopen the account's reconciliation first.", code: "RECONCILED" }],
          },
        };
      }
      return history(call);
    });
    renderScreen(<HistoryScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/history" });
    const list = await screen.findByRole("list", { name: "History" });
    const row = within(list).getByRole("listitem", { name: "Entry 39" });
    await userEvent.click(within(row).getByRole("button", { name: "Undo entry 39" }));
    expect(await within(row).findByRole("alert")).toHaveTextContent("Entry #39 is reconciled");
    const undo = calls.find((c) => c.operationName === "UndoEntryWeb");
    expect(undo?.variables).toMatchObject({ input: { id: "T39", idempotencyKey: expect.any(String) } });
    // Only that entry shows it.
    expect(within(within(list).getByRole("listitem", { name: "Entry 40" })).queryByRole("alert")).toBeNull();
  });

  it("labels undoing a reversal as redo, and marks undone entries", async () => {
    const { client } = mockClient((call) =>
      call.operationName === "HistoryPage"
        ? page(
            [
              entry(3, { kind: "REVERSAL", amount: { __typename: "Money", amount: "10.00", currency: "EUR" }, reverses: { __typename: "Transaction", id: "T2", sequence: 2, kind: "EXPENSE", undone: true } }),
              entry(2, { undone: true, reversedBy: { __typename: "Transaction", id: "T3", sequence: 3 } }),
              entry(1, { kind: "OPENING", payee: null }),
            ],
            false,
          )
        : totals(3),
    );
    renderScreen(<HistoryScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/history" });
    const list = await screen.findByRole("list", { name: "History" });
    const reversal = within(list).getByRole("listitem", { name: "Entry 3" });
    expect(within(reversal).getByRole("button", { name: "Redo entry 3" })).toBeInTheDocument();
    expect(reversal).toHaveTextContent("Reversal of #2");
    const undone = within(list).getByRole("listitem", { name: "Entry 2" });
    expect(undone).toHaveTextContent("Undone by #3");
    expect(within(undone).queryByRole("button", { name: /Undo/ })).toBeNull();
    expect(within(within(list).getByRole("listitem", { name: "Entry 1" })).queryByRole("button", { name: /Undo/ })).toBeNull();
  });

  it("shows a viewer no undo or clearing controls", async () => {
    const { client } = mockClient((call) =>
      call.operationName === "HistoryPage" ? page([entry(2, { cleared: "CLEARED" }), entry(1, { cleared: "RECONCILED" })], false) : totals(2),
    );
    renderScreen(<HistoryScreen />, { client, account: boardAccount("VIEWER"), path: "/accounts/A1/history" });
    const list = await screen.findByRole("list", { name: "History" });
    expect(within(list).getAllByRole("listitem", { name: /^Entry \d+$/ })).toHaveLength(2);
    expect(within(list).queryAllByRole("button")).toHaveLength(0);
    expect(within(list).queryAllByRole("checkbox")).toHaveLength(0);
    expect(screen.queryByRole("button", { name: /Undo|Redo|Mark selected/ })).toBeNull();
    expect(within(list).getByRole("listitem", { name: "Entry 2" })).toHaveTextContent("Cleared");
    expect(within(list).getByRole("listitem", { name: "Entry 1" })).toHaveTextContent("Reconciled");
  });

  it("clears entries one by one and several at once; reconciled ones are locked", async () => {
    const { client, calls } = mockClient((call) => {
      if (call.operationName === "SetEntriesClearedWeb") {
        const input = call.variables["input"] as { ids: string[]; cleared: boolean };
        return {
          setTransactionsCleared: {
            __typename: "SetTransactionsClearedPayload",
            transactions: input.ids.map((id) => ({ __typename: "Transaction", id, cleared: input.cleared ? "CLEARED" : "UNCLEARED" })),
            account: { __typename: "Account", id: "A1", clearedBalance: { __typename: "Money", amount: "280.00", currency: "EUR" } },
            userErrors: [],
          },
        };
      }
      return call.operationName === "HistoryPage" ? page([entry(3), entry(2), entry(1, { cleared: "RECONCILED" })], false) : totals(3);
    });
    renderScreen(<HistoryScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/history" });
    const list = await screen.findByRole("list", { name: "History" });
    expect(within(within(list).getByRole("listitem", { name: "Entry 1" })).queryAllByRole("checkbox")).toHaveLength(0);

    const toggle = screen.getByRole("checkbox", { name: "Cleared: entry 3" });
    await userEvent.click(toggle);
    await waitFor(() => expect(screen.getByRole("checkbox", { name: "Cleared: entry 3" })).toBeChecked());
    expect(calls.find((c) => c.operationName === "SetEntriesClearedWeb")?.variables).toEqual({ input: { ids: ["T3"], cleared: true } });

    await userEvent.click(screen.getByRole("checkbox", { name: "Select entry 2" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "Select entry 3" }));
    await userEvent.click(screen.getByRole("button", { name: "Mark selected cleared" }));
    await waitFor(() => expect(screen.getByRole("checkbox", { name: "Cleared: entry 2" })).toBeChecked());
    expect(calls.filter((c) => c.operationName === "SetEntriesClearedWeb").at(-1)?.variables).toEqual({ input: { ids: ["T3", "T2"], cleared: true } });
    expect(screen.queryByRole("button", { name: "Mark selected cleared" })).toBeNull();
  });

  it("takes its filter from the URL and offers to clear it when nothing matches", async () => {
    const { client, calls } = mockClient((call) => (call.operationName === "HistoryPage" ? page([], false) : totals(0)));
    renderScreen(<HistoryScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/history?cleared=UNCLEARED&kinds=EXPENSE,bogus&minAmount=5.00" });
    expect(await screen.findByText("Nothing matches these filters")).toBeInTheDocument();
    expect(calls.find((c) => c.operationName === "HistoryPage")?.variables["filter"]).toEqual({ cleared: ["UNCLEARED"], kinds: ["EXPENSE"], minAmount: "5.00" });
    expect(screen.getByLabelText("Cleared")).toHaveValue("UNCLEARED");
    await userEvent.click(screen.getAllByRole("button", { name: "Clear filters" }).at(-1)!);
    await waitFor(() => expect(calls.filter((c) => c.operationName === "HistoryPage").at(-1)?.variables["filter"]).toBeNull());
    expect(await screen.findByText("No entries yet")).toBeInTheDocument();
  });

  describe("Export CSV", () => {
    const exported = (payload: object) => ({ exportHistory: { __typename: "ExportHistoryPayload", url: null, expiresAt: null, userErrors: [], ...payload } });

    it("exports the entries of the current filter and downloads the link", async () => {
      const start = vi.spyOn(downloads, "start").mockImplementation(() => undefined);
      const { client, calls } = mockClient((call) =>
        call.operationName === "ExportHistoryWeb" ? exported({ url: "/exports/history/t0k3n.csv", expiresAt: "2024-05-01T10:01:00+00:00" }) : history(call),
      );
      // A viewer too: exporting reads, it changes nothing.
      renderScreen(<HistoryScreen />, { client, account: boardAccount("VIEWER"), path: "/accounts/A1/history?text=Shop&kinds=EXPENSE" });
      await screen.findByRole("list", { name: "History" });

      await userEvent.click(screen.getByRole("button", { name: "Export CSV" }));
      await waitFor(() => expect(start).toHaveBeenCalledWith("/exports/history/t0k3n.csv"));
      const call = calls.find((c) => c.operationName === "ExportHistoryWeb");
      expect(call?.variables).toEqual({ input: { accountId: "A1", filter: { text: "Shop", kinds: ["EXPENSE"] } } });
    });

    it("shows a refusal and downloads nothing", async () => {
      const start = vi.spyOn(downloads, "start").mockImplementation(() => undefined);
      const { client } = mockClient((call) =>
        call.operationName === "ExportHistoryWeb"
          ? exported({ userErrors: [{ __typename: "UserError", field: ["accountId"], message: "No such account.", code: "NOT_FOUND" }] })
          : history(call),
      );
      renderScreen(<HistoryScreen />, { client, account: boardAccount("OWNER"), path: "/accounts/A1/history" });
      await screen.findByRole("list", { name: "History" });

      await userEvent.click(screen.getByRole("button", { name: "Export CSV" }));
      expect(await screen.findByRole("alert")).toHaveTextContent("No such account.");
      expect(start).not.toHaveBeenCalled();
    });
  });
});
