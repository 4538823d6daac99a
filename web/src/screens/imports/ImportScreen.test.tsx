import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { boardAccount, mockClient, stream, renderScreen, type Call } from "../history/testing";
import { ImportScreen } from "./ImportScreen";
import { BLANK_MAPPING } from "./mapping";

// The file's bytes go by XMLHttpRequest (tested in lib/upload.test.ts): here it is "sent" at once.
vi.mock("../../lib/upload", () => ({
  useUpload: () => ({
    upload: async (_kind: string, file: File) => ({ fileId: "F9", name: file.name, size: file.size }),
    progress: null,
    error: null,
    busy: false,
  }),
}));

const EUR = (amount: string) => ({ __typename: "Money", amount, currency: "EUR" });

function counts(values: Partial<Record<"rows" | "new" | "duplicates" | "matched" | "flaggedForReview" | "errors", number>> = {}) {
  return { __typename: "ImportCounts", rows: 0, new: 0, duplicates: 0, matched: 0, flaggedForReview: 0, errors: 0, ...values };
}

const MAPPING = { __typename: "CsvMapping", ...BLANK_MAPPING };

function job(id: string, status: string, more: Record<string, unknown> = {}) {
  return {
    __typename: "ImportJob",
    id,
    fileName: "odd.csv",
    format: "CSV",
    detail: "CSV",
    status,
    rowsDone: 0,
    rowsTotal: null,
    failure: null,
    createdAt: "2026-11-29T10:00:00Z",
    updatedAt: new Date().toISOString(),
    finishedAt: null,
    counts: counts(),
    previewCounts: null,
    errors: [],
    header: ["When", "How much", "Who"],
    sampleRows: [["27/11/2026", "-5.00", "Shop"]],
    csvMapping: MAPPING,
    ...more,
  };
}

function row(index: number, more: Record<string, unknown> = {}) {
  return {
    __typename: "ImportRow",
    index,
    line: index + 2,
    date: "2026-11-27",
    amount: EUR("-5.00"),
    payee: `Shop ${index}`,
    memo: null,
    importId: `i${index}`,
    status: "NEW",
    envelopes: [],
    reason: "NONE",
    explanation: "No rule or past entry fits.",
    matchReasons: [],
    matchedTransaction: null,
    ...more,
  };
}

function withRows(base: ReturnType<typeof job>, rows: ReturnType<typeof row>[], hasNextPage = false) {
  return {
    ...base,
    rows: {
      __typename: "ImportRowConnection",
      edges: rows.map((node) => ({ __typename: "ImportRowEdge", cursor: `r${node.index}`, node })),
      pageInfo: { __typename: "PageInfo", hasNextPage, endCursor: rows.length ? `r${rows.at(-1)!.index}` : null },
    },
  };
}

const noJobs = { importJobs: { __typename: "ImportJobConnection", edges: [], pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: null } } };

const PREVIEW = job("J2", "PREVIEW", {
  rowsDone: 4,
  rowsTotal: 4,
  counts: counts({ rows: 3, new: 2, duplicates: 1, flaggedForReview: 1, errors: 1 }),
  errors: [{ __typename: "ImportRowError", line: 4, reason: "no date in “someday”" }],
  csvMapping: { ...MAPPING, date: "When", amount: "How much", payee: "Who", dateFormat: "%d/%m/%Y" },
});
const PREVIEW_ROWS = [
  row(0, {
    envelopes: [{ __typename: "ImportPortion", envelope: { __typename: "Envelope", id: "E1", name: "Groceries" }, amount: EUR("-5.00") }],
    reason: "RULE",
    explanation: "Payee contains “Shop”",
  }),
  row(1),
  row(3, { status: "DUPLICATE", reason: null, explanation: null }),
];

// The first test pays for loading the screen's modules, slow on a busy machine.
describe("ImportScreen", { timeout: 20_000 }, () => {
  it("maps an unknown CSV's columns and previews it again with them, the first job cancelled", async () => {
    const { client, calls } = mockClient((call: Call) => {
      if (call.operationName === "ImportJobsWeb") return noJobs;
      if (call.operationName === "ImportJobWeb") {
        return { importJob: call.variables["id"] === "J1" ? withRows(job("J1", "NEEDS_MAPPING"), []) : withRows(PREVIEW, PREVIEW_ROWS) };
      }
      if (call.operationName === "StartImportWeb") return { startImport: { __typename: "ImportJobPayload", job: PREVIEW, userErrors: [] } };
      if (call.operationName === "CancelImportWeb") {
        return { cancelImport: { __typename: "ImportJobPayload", job: job("J1", "CANCELLED"), userErrors: [] } };
      }
      throw new Error(`unexpected ${call.operationName}`);
    });
    renderScreen(<ImportScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/import?job=J1&file=F1" });

    const form = await screen.findByRole("form", { name: "Column mapping" });
    expect(screen.getByRole("table", { name: "The file's first rows" })).toHaveTextContent("How much");
    await userEvent.click(within(form).getByRole("button", { name: "Preview with these columns" }));
    expect(within(form).getByText("Choose the column with the date.")).toBeInTheDocument();
    expect(calls.some((c) => c.operationName === "StartImportWeb")).toBe(false);

    await userEvent.selectOptions(within(form).getByLabelText("Date"), "When");
    expect(within(form).getByLabelText("Date format")).toHaveValue("%d/%m/%Y");
    await userEvent.selectOptions(within(form).getByLabelText("Amount"), "How much");
    await userEvent.selectOptions(within(form).getByLabelText("Payee"), "Who");
    await userEvent.click(within(form).getByRole("button", { name: "Preview with these columns" }));

    expect(await screen.findByRole("button", { name: "Import 2 entries" })).toBeInTheDocument();
    const start = calls.find((c) => c.operationName === "StartImportWeb")!;
    expect(start.variables["input"]).toMatchObject({
      accountId: "A1",
      fileId: "F1",
      dryRun: true,
      csvMapping: { date: "When", amount: "How much", payee: "Who", dateFormat: "%d/%m/%Y", delimiter: "," },
    });
    expect(calls.find((c) => c.operationName === "CancelImportWeb")?.variables["input"]).toEqual({ jobId: "J1" });
  });

  it("discards a job waiting for its mapping on Cancel, back to choosing a file", async () => {
    const { client, calls } = mockClient((call: Call) => {
      if (call.operationName === "ImportJobsWeb") return noJobs;
      if (call.operationName === "ImportJobWeb") return { importJob: withRows(job("J1", "NEEDS_MAPPING"), []) };
      if (call.operationName === "CancelImportWeb") {
        return { cancelImport: { __typename: "ImportJobPayload", job: job("J1", "CANCELLED"), userErrors: [] } };
      }
      throw new Error(`unexpected ${call.operationName}`);
    });
    renderScreen(<ImportScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/import?job=J1&file=F1" });
    const form = await screen.findByRole("form", { name: "Column mapping" });
    await userEvent.click(within(form).getByRole("button", { name: "Cancel" }));
    expect(await screen.findByLabelText("Bank file")).toBeInTheDocument();
    expect(calls.find((c) => c.operationName === "CancelImportWeb")?.variables["input"]).toEqual({ jobId: "J1" });
  });

  it("shows the dry run: figures, each row's envelope and why, malformed rows by line, load more", async () => {
    const { client, calls } = mockClient((call: Call) => {
      if (call.operationName === "ImportJobsWeb") return noJobs;
      if (call.operationName === "ImportJobWeb") {
        return { importJob: call.variables["after"] ? withRows(PREVIEW, [row(5, { payee: "Later shop" })]) : withRows(PREVIEW, PREVIEW_ROWS, true) };
      }
      throw new Error(`unexpected ${call.operationName}`);
    });
    renderScreen(<ImportScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/import?job=J2&file=F1" });

    const found = await screen.findByLabelText("What the file holds");
    expect(found).toHaveTextContent(/New\s*2/);
    expect(found).toHaveTextContent(/Duplicates\s*1/);
    expect(found).toHaveTextContent(/Malformed rows\s*1/);
    expect(screen.getByRole("group", { name: "Malformed rows" })).toHaveTextContent("Line 4: no date in “someday”");
    const table = screen.getByRole("table", { name: "Rows of the file" });
    const ruled = within(table).getByRole("row", { name: /Shop 0/ });
    expect(ruled).toHaveTextContent("Groceries");
    expect(ruled).toHaveTextContent("Rule");
    expect(ruled).toHaveTextContent("Payee contains “Shop”");
    expect(within(table).getByRole("row", { name: /Shop 1/ })).toHaveTextContent("Available — flagged for review");
    expect(within(table).getByRole("row", { name: /Shop 3/ })).toHaveTextContent("Imported before: skipped");
    expect(screen.getByText(/Read as CSV with the columns date “When”/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(await within(table).findByText("Later shop")).toBeInTheDocument();
    expect(within(table).getByText("Shop 0")).toBeInTheDocument();
    expect(calls.filter((c) => c.operationName === "ImportJobWeb").at(-1)!.variables).toMatchObject({ id: "J2", after: "r3" });
  });

  it("commits with an idempotency key and follows the progress to the summary", async () => {
    const { client, calls } = mockClient((call: Call) => {
      if (call.operationName === "ImportJobsWeb") return noJobs;
      if (call.operationName === "ImportJobWeb") return { importJob: withRows(PREVIEW, PREVIEW_ROWS) };
      if (call.operationName === "CommitImportWeb") {
        return { commitImport: { __typename: "ImportJobPayload", job: { ...PREVIEW, status: "QUEUED", rowsDone: 0, counts: counts(), previewCounts: PREVIEW.counts }, userErrors: [] } };
      }
      if (call.operationName === "ImportProgressLive") {
        const done = { ...PREVIEW, status: "DONE", rowsDone: 4, previewCounts: PREVIEW.counts, finishedAt: "2026-11-29T10:01:00Z" };
        const running = { ...PREVIEW, status: "RUNNING", rowsDone: 2, counts: counts({ new: 1 }), previewCounts: PREVIEW.counts };
        return stream({ importProgress: running }, { importProgress: done });
      }
      if (call.operationName === "AccountBoard") return { account: boardAccount("EDITOR") };
      throw new Error(`unexpected ${call.operationName}`);
    });
    renderScreen(<ImportScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/import?job=J2" });

    await userEvent.click(await screen.findByRole("button", { name: "Import 2 entries" }));
    const bar = await screen.findByRole("progressbar", { name: "Importing" });
    expect(bar).toHaveAttribute("max", "4");
    await screen.findByText("2 entries imported. 1 duplicate skipped.", {}, { timeout: 5000 });
    expect(screen.getByRole("progressbar", { name: "Importing" })).toHaveAttribute("value", "4");
    expect(screen.getByText("4 of 4 rows")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "See them in the history" })).toHaveAttribute("href", "/accounts/A1/history");
    expect(screen.getByRole("link", { name: "Review 1 flagged entry" })).toHaveAttribute("href", "/accounts/A1/review");
    const commit = calls.find((c) => c.operationName === "CommitImportWeb")!;
    expect(commit.variables["input"]).toMatchObject({ jobId: "J2", idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(screen.queryByRole("button", { name: "Stop the import" })).toBeNull();
  });

  it("explains a refused file and starts nothing", async () => {
    const { client, calls } = mockClient((call: Call) => {
      if (call.operationName === "ImportJobsWeb") return noJobs;
      if (call.operationName === "StartImportWeb") {
        return {
          startImport: {
            __typename: "ImportJobPayload",
            job: null,
            userErrors: [{ __typename: "UserError", field: ["input", "fileId"], message: "This is not an OFX file: it has no OFX header.", code: "FILE_REFUSED" }],
          },
        };
      }
      throw new Error(`unexpected ${call.operationName}`);
    });
    renderScreen(<ImportScreen />, { client, account: boardAccount("EDITOR"), path: "/accounts/A1/import" });
    await userEvent.upload(await screen.findByLabelText("Bank file"), new File(["hello"], "fake.ofx"));
    expect(await screen.findByRole("alert")).toHaveTextContent("This is not an OFX file: it has no OFX header.");
    expect(calls.find((c) => c.operationName === "StartImportWeb")!.variables["input"]).toEqual({ accountId: "A1", fileId: "F9", dryRun: true });
  });

  it("offers Resume for a failed import", async () => {
    const failed = job("J3", "FAILED", { failure: "the file could not be read again", rowsDone: 2, rowsTotal: 4, previewCounts: counts({ new: 4 }) });
    const { client, calls } = mockClient((call: Call) => {
      if (call.operationName === "ImportJobsWeb") return noJobs;
      if (call.operationName === "ImportJobWeb") return { importJob: withRows(failed, []) };
      if (call.operationName === "ResumeImportWeb") return { resumeImport: { __typename: "ImportJobPayload", job: { ...failed, status: "DONE" }, userErrors: [] } };
      throw new Error(`unexpected ${call.operationName}`);
    });
    renderScreen(<ImportScreen />, { client, account: boardAccount("OWNER"), path: "/accounts/A1/import?job=J3" });
    expect(await screen.findByRole("alert")).toHaveTextContent("The import stopped: the file could not be read again.");
    expect(screen.getByText("2 of 4 rows")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Resume" }));
    await waitFor(() => expect(calls.some((c) => c.operationName === "ResumeImportWeb")).toBe(true));
  });

  it("shows a viewer the recent imports but no file picker", async () => {
    const { client } = mockClient((call: Call) => {
      if (call.operationName === "ImportJobsWeb") {
        return {
          importJobs: {
            __typename: "ImportJobConnection",
            edges: [{ __typename: "ImportJobEdge", cursor: "c1", node: { ...job("J4", "DONE"), counts: counts({ new: 12, duplicates: 2 }) } }],
            pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: "c1" },
          },
        };
      }
      throw new Error(`unexpected ${call.operationName}`);
    });
    renderScreen(<ImportScreen />, { client, account: boardAccount("VIEWER"), path: "/accounts/A1/import" });
    const recent = await screen.findByRole("region", { name: "Recent imports" });
    expect(await within(recent).findByRole("link", { name: "odd.csv" })).toHaveAttribute("href", "/accounts/A1/import?job=J4");
    expect(recent).toHaveTextContent("12 new · 2 duplicates");
    expect(screen.queryByLabelText("Bank file")).toBeNull();
    expect(screen.getByRole("note")).toHaveTextContent("Only editors");
  });
});
