import type { Reference } from "@apollo/client";
import { useMutation, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";

import {
  AddWebhookDocument,
  EditWebhookDocument,
  RedeliverDocument,
  RemoveWebhookDocument,
  RotateSecretDocument,
  WebhookListDocument,
  WebhookLogDocument,
  type EventKind,
  type WebhookDeliveryFieldsFragment,
  type WebhookFieldsFragment,
} from "../../gql/graphql";
import { can } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type FieldErrors, type UserErrorLike } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Button, Checkbox, Empty, FormMessage, Loading, Problem, TextField } from "../../ui/kit";
import { useAccount, type BoardAccount } from "../account/useAccount";
import { attemptSummary, EVENT_KINDS, EVENT_LABELS, eventType, STATUS_LABELS, urlProblem } from "./events";
import "./webhooks.css";

type Hook = WebhookFieldsFragment;
type Delivery = WebhookDeliveryFieldsFragment;
type Payload = { userErrors: readonly UserErrorLike[] };
/** The payload of a change that may answer the signing secret (create, rotate). */
type Keyed = Payload & { webhook?: Hook | null; secret?: string | null };
const LOG_PAGE = 20;

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : "—");

export function WebhooksScreen() {
  const { account } = useAccount();
  const admin = can.admin(account.myRole);
  if (!admin) {
    return (
      <Empty title="Only the account's admins and owner manage webhooks.">
        <p className="muted wh-empty-text">Webhooks send this account's events to other systems; ask an admin if you need one.</p>
      </Empty>
    );
  }
  return <WebhookList account={account} />;
}

function WebhookList({ account }: { account: BoardAccount }) {
  const { data, loading, error, refetch } = useQuery(WebhookListDocument, { variables: { id: account.id } });
  const [editing, setEditing] = useState<Hook | "new" | null>(null);
  const [deleting, setDeleting] = useState<Hook | null>(null);
  const [secret, setSecret] = useState<{ hook: Hook; secret: string; rotated: boolean } | null>(null);
  const [rotating, setRotating] = useState<Hook | null>(null);
  const hooks = data?.account?.webhooks ?? [];

  let body;
  if (loading && !data) body = <Loading label="Loading webhooks…" />;
  else if (error && !data) body = <Problem error={error} onRetry={() => void refetch()} />;
  else if (!hooks.length) {
    body = (
      <Empty title="No webhooks yet.">
        <p className="muted wh-empty-text">
          A webhook POSTs this account's events (a transaction recorded, an envelope overspent, an import finished…) to a URL of
          yours, signed so your receiver can tell they come from Envelopes.
        </p>
        <Button variant="primary" onClick={() => setEditing("new")}>
          New webhook
        </Button>
      </Empty>
    );
  } else {
    body = (
      <ul className="wh-list" aria-label="Webhooks">
        {hooks.map((hook) => (
          <WebhookCard
            key={hook.id}
            hook={hook}
            onEdit={() => setEditing(hook)}
            onDelete={() => setDeleting(hook)}
            onRotate={() => setRotating(hook)}
          />
        ))}
      </ul>
    );
  }

  return (
    <div className="wh-screen">
      <div className="board-toolbar">
        <h2>Webhooks</h2>
        {hooks.length ? (
          <Button variant="primary" onClick={() => setEditing("new")}>
            New webhook
          </Button>
        ) : null}
      </div>
      {body}
      {editing ? (
        <WebhookDialog
          account={account}
          hook={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onCreated={(hook, made) => {
            setEditing(null);
            setSecret({ hook, secret: made, rotated: false });
          }}
        />
      ) : null}
      {deleting ? <DeleteDialog account={account} hook={deleting} onClose={() => setDeleting(null)} /> : null}
      {rotating ? (
        <RotateDialog
          hook={rotating}
          onClose={() => setRotating(null)}
          onRotated={(made) => {
            setRotating(null);
            setSecret({ hook: rotating, secret: made, rotated: true });
          }}
        />
      ) : null}
      {secret ? <SecretDialog {...secret} onClose={() => setSecret(null)} /> : null}
    </div>
  );
}

function WebhookCard({ hook, onEdit, onDelete, onRotate }: { hook: Hook; onEdit: () => void; onDelete: () => void; onRotate: () => void }) {
  const [showLog, setShowLog] = useState(false);
  const submit = useSubmit<Payload>();
  const [edit] = useMutation(EditWebhookDocument);
  const headingId = `wh-${hook.id}`;
  const toggle = () =>
    void submit.run(async () => (await edit({ variables: { input: { id: hook.id, enabled: !hook.enabled } } })).data?.updateWebhook);
  return (
    <li className="card wh-card" aria-labelledby={headingId}>
      <div className="wh-head">
        <div className="wh-title">
          <h3 id={headingId} className="wh-url">
            {hook.url}
          </h3>
          {hook.description ? <p className="muted wh-description">{hook.description}</p> : null}
        </div>
        <span className={`badge ${hook.enabled ? "badge-ok" : "badge-danger"}`}>{hook.enabled ? "On" : "Off"}</span>
      </div>
      {!hook.enabled && hook.disabledReason ? (
        <p className="wh-disabled" role="note">
          Off since {when(hook.disabledAt)}. {hook.disabledReason}
        </p>
      ) : null}
      <ul className="wh-events" aria-label="Events it receives">
        {hook.events.map((kind) => (
          <li key={kind} className="wh-event" title={EVENT_LABELS[kind]}>
            {eventType(kind)}
          </li>
        ))}
      </ul>
      <p className="muted wh-health">
        {hook.lastSuccessAt ? `Last delivered ${when(hook.lastSuccessAt)}` : "Nothing delivered yet"}
        {hook.consecutiveFailures ? ` · ${hook.consecutiveFailures} failed attempt${hook.consecutiveFailures === 1 ? "" : "s"} since` : ""}
      </p>
      <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
      <div className="wh-actions">
        <Button onClick={() => setShowLog(!showLog)} aria-expanded={showLog} aria-label={`Delivery log of ${hook.url}`}>
          {showLog ? "Hide deliveries" : "Deliveries"}
        </Button>
        <Button onClick={onEdit} aria-label={`Edit ${hook.url}`}>
          Edit
        </Button>
        <Button onClick={toggle} busy={submit.busy} aria-label={`${hook.enabled ? "Turn off" : "Turn on"} ${hook.url}`}>
          {hook.enabled ? "Turn off" : "Turn on"}
        </Button>
        <Button onClick={onRotate} aria-label={`New secret for ${hook.url}`}>
          New secret
        </Button>
        <Button variant="danger" onClick={onDelete} aria-label={`Delete ${hook.url}`}>
          Delete
        </Button>
      </div>
      {showLog ? <DeliveryLog hook={hook} /> : null}
    </li>
  );
}

function DeliveryLog({ hook }: { hook: Hook }) {
  const { data, loading, error, refetch, fetchMore } = useQuery(WebhookLogDocument, {
    variables: { id: hook.id, first: LOG_PAGE },
    fetchPolicy: "cache-and-network",
  });
  const [more, setMore] = useState(false);
  const node = data?.node?.__typename === "Webhook" ? data.node : null;
  if (loading && !node) return <Loading label="Loading deliveries…" />;
  if (error && !node) return <Problem error={error} onRetry={() => void refetch()} />;
  const connection = node?.deliveries;
  const deliveries = connection?.edges.map((edge) => edge.node) ?? [];
  const older = async () => {
    setMore(true);
    try {
      await fetchMore({ variables: { after: connection?.pageInfo.endCursor ?? null } });
    } finally {
      setMore(false);
    }
  };
  return (
    <section className="wh-log" aria-label={`Deliveries to ${hook.url}`}>
      <div className="wh-log-head">
        <h4>Deliveries, newest first</h4>
        <Button variant="ghost" onClick={() => void refetch()}>
          Refresh
        </Button>
      </div>
      {deliveries.length ? (
        <table className="table wh-table">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th className="hide-phone">Raised</th>
              <th>Last attempt</th>
              <th className="num hide-phone">Attempts</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <DeliveryRow key={delivery.id} delivery={delivery} canRedeliver={hook.enabled} />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No deliveries yet: they appear when one of its events happens.</p>
      )}
      {connection?.pageInfo.hasNextPage ? (
        <Button variant="ghost" busy={more} onClick={() => void older()}>
          Show older
        </Button>
      ) : null}
    </section>
  );
}

function DeliveryRow({ delivery, canRedeliver }: { delivery: Delivery; canRedeliver: boolean }) {
  const submit = useSubmit<Payload>();
  const [redeliver] = useMutation(RedeliverDocument);
  const last = delivery.attempts[delivery.attempts.length - 1];
  const send = () =>
    void submit.run(async () => (await redeliver({ variables: { input: { id: delivery.id } } })).data?.redeliverWebhookDelivery);
  const problem = unplacedErrors(submit.errors, []) ?? submit.problem;
  return (
    <tr>
      <td>
        <code className="wh-code">{eventType(delivery.event)}</code>
      </td>
      <td>
        <span className={`wh-status wh-status-${delivery.status.toLowerCase()}`}>{STATUS_LABELS[delivery.status]}</span>
        {delivery.status === "PENDING" && delivery.nextAttemptAt && delivery.attempts.length ? (
          <span className="muted wh-next"> · next {when(delivery.nextAttemptAt)}</span>
        ) : null}
      </td>
      <td className="hide-phone">{when(delivery.createdAt)}</td>
      <td>
        {attemptSummary(last)}
        {last ? <span className="muted hide-phone"> · {last.durationMs} ms</span> : null}
      </td>
      <td className="num hide-phone">{delivery.attempts.length}</td>
      <td className="wh-row-actions">
        {delivery.status !== "PENDING" && canRedeliver ? (
          <Button variant="ghost" busy={submit.busy} onClick={send} aria-label={`Redeliver ${eventType(delivery.event)} of ${when(delivery.createdAt)}`}>
            Redeliver
          </Button>
        ) : null}
        {problem ? (
          <span className="field-error" role="alert">
            {problem}
          </span>
        ) : null}
      </td>
    </tr>
  );
}

function WebhookDialog({
  account,
  hook,
  onClose,
  onCreated,
}: {
  account: BoardAccount;
  hook: Hook | null;
  onClose: () => void;
  onCreated: (hook: Hook, secret: string) => void;
}) {
  const [url, setUrl] = useState(hook?.url ?? "");
  const [description, setDescription] = useState(hook?.description ?? "");
  const [events, setEvents] = useState<EventKind[]>(hook ? [...hook.events] : ["TRANSACTION_RECORDED"]);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const submit = useSubmit<Keyed>();
  const [create] = useMutation(AddWebhookDocument);
  const [edit] = useMutation(EditWebhookDocument);
  const errors = { ...submit.errors, ...localErrors };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    const badUrl = urlProblem(url);
    if (badUrl) problems["url"] = badUrl;
    if (!events.length) problems["events"] = "Choose at least one event.";
    setLocalErrors(problems);
    if (Object.keys(problems).length) return;
    const fields = { url: url.trim(), events, description: description.trim() };
    if (hook) {
      const done = await submit.run(async () => (await edit({ variables: { input: { id: hook.id, ...fields } } })).data?.updateWebhook);
      if (done) onClose();
      return;
    }
    const done = await submit.run(
      async () =>
        (
          await create({
            variables: { input: { accountId: account.id, ...fields } },
            update: (cache, { data }) => {
              const created = data?.createWebhook.webhook;
              if (!created) return;
              cache.modify({
                id: cache.identify({ __typename: "Account", id: account.id }),
                fields: {
                  webhooks: (existing, { toReference }) =>
                    Array.isArray(existing) ? [...existing, toReference({ __typename: "Webhook", id: created.id })] : existing,
                },
              });
            },
          })
        ).data?.createWebhook,
    );
    if (done?.webhook && done.secret) onCreated(done.webhook, done.secret);
  };

  const formLevel = unplacedErrors(errors, ["url", "events", "description"]);
  return (
    <Dialog open title={hook ? "Edit webhook" : "New webhook"} onClose={onClose} wide>
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="form-grid">
        <TextField
          label="URL"
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          error={errors["url"]}
          hint="https:// on a public address; private and internal addresses are refused."
          placeholder="https://hooks.example.com/envelopes"
          className="span-2"
          autoFocus
          autoComplete="off"
        />
        <TextField
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={errors["description"]}
          hint="What receives it (optional)"
          className="span-2"
          autoComplete="off"
        />
        <fieldset className="span-2 wh-choices" aria-invalid={errors["events"] ? true : undefined}>
          <legend>Events to send</legend>
          {EVENT_KINDS.map((kind) => (
            <Checkbox
              key={kind}
              label={EVENT_LABELS[kind]}
              checked={events.includes(kind)}
              onChange={(e) => setEvents(e.target.checked ? [...events, kind] : events.filter((k) => k !== kind))}
            />
          ))}
          {errors["events"] ? (
            <p className="field-error" role="alert">
              {errors["events"]}
            </p>
          ) : null}
        </fieldset>
        <FormMessage>{formLevel ?? submit.problem}</FormMessage>
        <div className="form-actions span-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={submit.busy}>
            {hook ? "Save webhook" : "Create webhook"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function SecretDialog({ hook, secret, rotated, onClose }: { hook: Hook; secret: string; rotated: boolean; onClose: () => void }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  };
  return (
    <Dialog open title={rotated ? "New signing secret" : "Webhook created"} onClose={onClose}>
      <p>
        The signing secret of <strong className="wh-break">{hook.url}</strong>. It is shown <strong>only now</strong>: keep it with your
        receiver{rotated ? " (the old one no longer signs)" : ""}.
      </p>
      <div className="wh-secret">
        <code data-testid="webhook-secret">{secret}</code>
        <Button onClick={() => void copy()}>Copy</Button>
      </div>
      <FormMessage tone={copied === "no" ? "error" : "success"}>
        {copied === "yes" ? "Copied." : copied === "no" ? "Could not copy: select the secret and copy it by hand." : null}
      </FormMessage>
      <p className="muted wh-help">
        Each request carries <code>Envelopes-Signature: t=…,v1=…</code>: the hex HMAC-SHA256 of <code>t + "." + body</code> with this
        secret. Compare it, and refuse a timestamp older than five minutes.
      </p>
      <div className="form-actions">
        <Button variant="primary" onClick={onClose}>
          I have kept it
        </Button>
      </div>
    </Dialog>
  );
}

function RotateDialog({ hook, onClose, onRotated }: { hook: Hook; onClose: () => void; onRotated: (secret: string) => void }) {
  const submit = useSubmit<Keyed>();
  const [rotate] = useMutation(RotateSecretDocument);
  const confirm = async () => {
    const done = await submit.run(async () => (await rotate({ variables: { input: { id: hook.id } } })).data?.rotateWebhookSecret);
    if (done?.secret) onRotated(done.secret);
  };
  return (
    <Dialog open title="New signing secret" onClose={onClose}>
      <p>
        Make a new secret for <strong className="wh-break">{hook.url}</strong>? The old one stops signing at once, so update your receiver
        right after.
      </p>
      <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
      <div className="form-actions">
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="primary" onClick={() => void confirm()} busy={submit.busy}>
          Make a new secret
        </Button>
      </div>
    </Dialog>
  );
}

function DeleteDialog({ account, hook, onClose }: { account: BoardAccount; hook: Hook; onClose: () => void }) {
  const submit = useSubmit<Payload>();
  const [remove] = useMutation(RemoveWebhookDocument);
  const confirm = async () => {
    const done = await submit.run(
      async () =>
        (
          await remove({
            variables: { input: { id: hook.id } },
            update: (cache, { data }) => {
              const id = data?.deleteWebhook.deletedWebhookId;
              if (!id) return;
              cache.modify({
                id: cache.identify({ __typename: "Account", id: account.id }),
                fields: {
                  webhooks: (existing, { readField }) =>
                    Array.isArray(existing) ? existing.filter((r) => readField("id", r as Reference) !== id) : existing,
                },
              });
              const ref = cache.identify({ __typename: "Webhook", id });
              if (ref) cache.evict({ id: ref });
              cache.gc();
            },
          })
        ).data?.deleteWebhook,
    );
    if (done) onClose();
  };
  return (
    <Dialog open title="Delete webhook" onClose={onClose}>
      <p>
        Delete <strong className="wh-break">{hook.url}</strong> and its delivery log? Nothing more is sent to it.
      </p>
      <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
      <div className="form-actions">
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="danger" onClick={() => void confirm()} busy={submit.busy}>
          Delete webhook
        </Button>
      </div>
    </Dialog>
  );
}
