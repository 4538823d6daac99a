import { ApolloProvider } from "@apollo/client/react";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";

import { AuthProvider } from "../../auth/AuthProvider";
import { Session, type TabBus } from "../../auth/session";
import { downloads } from "../history/ExportButton";
import { mockClient, type Call } from "../history/testing";
import { BackupSection } from "./BackupSection";

const bus: TabBus = { withLock: (_name, task) => task(), post: () => undefined, listen: () => () => undefined };

function job(status: string, more: object = {}) {
  return {
    __typename: "RestoreJob",
    id: "J1",
    status,
    fileName: "household.envelopes.gz",
    entriesTotal: 10,
    entriesRestored: 0,
    accountsTotal: 1,
    membersNotRestored: [],
    error: null,
    accounts: [],
    ...more,
  };
}

const restoredAccount = { __typename: "Account", id: "A9", name: "Holiday fund", balance: { __typename: "Money", amount: "250.00", currency: "EUR" } };

function renderSection(respond: (call: Call) => unknown) {
  const { client, calls } = mockClient(respond);
  const session = new Session(async () => ({ token: "tok", expiresAt: Date.now() + 900_000, issuedAt: Date.now() }), bus);
  render(
    <ApolloProvider client={client}>
      <AuthProvider session={session}>
        <MemoryRouter>
          <BackupSection />
        </MemoryRouter>
      </AuthProvider>
    </ApolloProvider>,
  );
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("BackupSection", () => {
  it("downloads the backup through the link the API gives", async () => {
    const start = vi.spyOn(downloads, "start").mockImplementation(() => undefined);
    renderSection(() => ({ createBackup: { __typename: "CreateBackupPayload", url: "/backups/t.envelopes.gz", expiresAt: null, userErrors: [] } }));
    await userEvent.click(await screen.findByRole("button", { name: "Download backup" }));
    await waitFor(() => expect(start).toHaveBeenCalledWith("/backups/t.envelopes.gz"));
  });

  it("uploads the file with the access token, then follows the restore until it is done", async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ fileId: "F1" }), { status: 201 }));
    vi.stubGlobal("fetch", fetch);
    let polls = 0;
    const calls = renderSection((call) => {
      if (call.operationName === "RestoreBackupWeb") return { restoreBackup: { __typename: "RestoreBackupPayload", job: job("VERIFYING"), userErrors: [] } };
      polls += 1;
      if (polls === 1) return { restoreJob: job("RESTORING", { entriesRestored: 5 }) };
      return { restoreJob: job("DONE", { entriesRestored: 10, accounts: [restoredAccount], membersNotRestored: ["ben@example.com"] }) };
    });
    const file = new File(["backup"], "household 2026.envelopes.gz", { type: "application/gzip" });
    await userEvent.upload(await screen.findByLabelText("Backup file"), file);
    await userEvent.click(screen.getByRole("button", { name: "Restore" }));

    expect(await screen.findByText("Restored 1 account.", {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Holiday fund" })).toHaveAttribute("href", "/accounts/A9");
    expect(screen.getByText(/ben@example\.com/)).toBeInTheDocument();
    expect(fetch).toHaveBeenCalledWith("/uploads?kind=backup&name=household%202026.envelopes.gz", {
      method: "POST",
      body: file,
      headers: { Authorization: "Bearer tok" },
    });
    expect(calls.find((c) => c.operationName === "RestoreBackupWeb")?.variables).toEqual({ input: { fileId: "F1" } });
  });

  it("says why a file is refused at once", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ fileId: "F1" }), { status: 201 })));
    renderSection(() => ({
      restoreBackup: {
        __typename: "RestoreBackupPayload",
        job: null,
        userErrors: [{ __typename: "UserError", field: ["fileId"], message: "This file is not an Envelopes household backup.", code: "BACKUP_INVALID" }],
      },
    }));
    await userEvent.upload(await screen.findByLabelText("Backup file"), new File(["x"], "notes.csv.gz"));
    await userEvent.click(screen.getByRole("button", { name: "Restore" }));
    expect(await screen.findByText("This file is not an Envelopes household backup.")).toBeInTheDocument();
  });

  it("shows the API's reason when the upload is refused", async () => {
    const refusal = { code: "TOO_LARGE", message: "The file is larger than the 2048 MiB allowed." };
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(refusal), { status: 413 })));
    const calls = renderSection(() => {
      throw new Error("no GraphQL call expected");
    });
    await userEvent.upload(await screen.findByLabelText("Backup file"), new File(["x"], "big.envelopes.gz"));
    await userEvent.click(screen.getByRole("button", { name: "Restore" }));
    expect(await screen.findByText(refusal.message)).toBeInTheDocument();
    expect(calls).toEqual([]);
  });
});
