import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { AddWebhookDocument, WebhookListDocument, type WebhookFieldsFragment } from "../../gql/graphql";
import { polyfillDialog, renderInAccount, testAccount } from "../schedules/testFixtures";
import { WebhooksScreen } from "./WebhooksScreen";

polyfillDialog();

const hook: WebhookFieldsFragment = {
  __typename: "Webhook",
  id: "wh1",
  url: "https://books.example.com/in",
  events: ["TRANSACTION_RECORDED"],
  description: "Books",
  enabled: false,
  disabledReason: "Delivery x failed 13 times in a row.",
  disabledAt: "2026-11-29T10:00:00Z",
  consecutiveFailures: 13,
  lastSuccessAt: null,
  createdAt: "2026-11-28T10:00:00Z",
};

const list = (webhooks: WebhookFieldsFragment[]) => ({
  request: { query: WebhookListDocument, variables: { id: "acc1" } },
  result: { data: { account: { __typename: "Account", id: "acc1", webhooks } } },
});

describe("WebhooksScreen", () => {
  it("tells members below admin that admins manage webhooks, without asking the API", () => {
    renderInAccount(<WebhooksScreen />, testAccount("EDITOR"), []);
    expect(screen.getByText("Only the account's admins and owner manage webhooks.")).toBeInTheDocument();
    expect(screen.queryAllByRole("button")).toHaveLength(0);
  });

  it("shows why a webhook was turned off and offers to turn it on", async () => {
    renderInAccount(<WebhooksScreen />, testAccount("ADMIN"), [list([hook])]);
    const card = await screen.findByRole("listitem", { name: hook.url });
    expect(within(card).getByRole("note")).toHaveTextContent("Delivery x failed 13 times in a row.");
    expect(within(card).getByText("Off")).toBeInTheDocument();
    expect(within(card).getByRole("button", { name: `Turn on ${hook.url}` })).toBeInTheDocument();
    expect(within(card).getByText("transaction.recorded")).toBeInTheDocument();
  });

  it("creates a webhook and shows its secret once", async () => {
    const created = { ...hook, id: "wh2", url: "https://hooks.example.com/x", enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 };
    const input = { accountId: "acc1", url: created.url, events: ["TRANSACTION_RECORDED", "IMPORT_FAILED"], description: "" };
    renderInAccount(<WebhooksScreen />, testAccount("OWNER"), [
      list([]),
      {
        request: { query: AddWebhookDocument, variables: { input } },
        result: { data: { createWebhook: { __typename: "WebhookSecretPayload", webhook: created, secret: "whsec_abc", userErrors: [] } } },
      },
    ]);
    await userEvent.click(await screen.findByRole("button", { name: "New webhook" }));
    const dialog = screen.getByRole("dialog", { name: "New webhook" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Create webhook" }));
    expect(within(dialog).getByText("Give the URL your receiver listens on.")).toBeInTheDocument();
    await userEvent.type(within(dialog).getByLabelText("URL"), created.url);
    await userEvent.click(within(dialog).getByLabelText("An import fails"));
    await userEvent.click(within(dialog).getByRole("button", { name: "Create webhook" }));
    const shown = await screen.findByRole("dialog", { name: "Webhook created" });
    expect(within(shown).getByTestId("webhook-secret")).toHaveTextContent("whsec_abc");
    await userEvent.click(within(shown).getByRole("button", { name: "I have kept it" }));
    expect(await screen.findByRole("listitem", { name: created.url })).toBeInTheDocument();
    expect(screen.queryByText("whsec_abc")).not.toBeInTheDocument();
  }, 20_000); // typing a URL key by key is slow on a busy machine
});
