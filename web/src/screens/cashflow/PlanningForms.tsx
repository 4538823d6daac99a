import { useMutation } from "@apollo/client/react";
import { useId, useState, type FormEvent } from "react";

import {
  CreatePlanningFlowWebDocument,
  CreatePlanningNodeWebDocument,
  UpdatePlanningFlowWebDocument,
  UpdatePlanningNodeWebDocument,
  type PlanningFlowFieldsFragment,
  type PlanningNodeFieldsFragment,
  type PlanningNodeKind,
} from "../../gql/graphql";
import { parseAmount } from "../../lib/money";
import { useSubmit, type Submit } from "../../lib/useSubmit";
import { unplacedErrors, type FieldErrors, type UserErrorLike } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Button, FormMessage, SelectField, TextField } from "../../ui/kit";
import { MoneyField } from "../../ui/MoneyField";
import { KIND_LABELS } from "./sankey";

type Payload = { userErrors: readonly UserErrorLike[] };
const KINDS: PlanningNodeKind[] = ["INCOME", "ACCOUNT", "EXPENSE", "SAVINGS", "INVESTMENT", "DEBT"];
const refetch = { refetchQueries: ["PlanningModelWeb"], awaitRefetchQueries: true };

/** "key: value" lines to the API's metadata pairs (a line without ":" is a key with no value). */
export function parseMetadata(text: string): { key: string; value: string }[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf(":");
      return at < 0 ? { key: line, value: "" } : { key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
    });
}

/** An optional amount: empty is none, anything else must parse. */
function optionalAmount(text: string, currency: string, field: string, problems: FieldErrors, allowNegative = false) {
  if (!text.trim()) return null;
  const parsed = parseAmount(text, currency, { allowNegative, allowZero: allowNegative });
  if (!parsed.ok) {
    problems[field] = parsed.message;
    return null;
  }
  return parsed.amount;
}

/** Cancel, the submit button, and a retry when the request failed in transit. */
function FormActions({ submit, onClose, label }: { submit: Submit<Payload>; onClose: () => void; label: string }) {
  return (
    <div className="form-actions span-2">
      <Button onClick={onClose}>Cancel</Button>
      {submit.problem && submit.retryable ? (
        <Button onClick={submit.retry} busy={submit.busy}>
          Try again
        </Button>
      ) : null}
      <Button type="submit" variant="primary" busy={submit.busy}>
        {label}
      </Button>
    </div>
  );
}

export function NodeDialog({
  node,
  currency,
  currencyFixed,
  onClose,
}: {
  node: PlanningNodeFieldsFragment | null;
  currency: string;
  currencyFixed: boolean;
  onClose: () => void;
}) {
  const [kind, setKind] = useState<PlanningNodeKind>(node?.kind ?? "INCOME");
  const [label, setLabel] = useState(node?.label ?? "");
  const [institution, setInstitution] = useState(node?.institution ?? "");
  const [amount, setAmount] = useState(node?.amount?.amount ?? "");
  const [balance, setBalance] = useState(node?.balance?.amount ?? "");
  const [apy, setApy] = useState(node?.apy ?? "");
  const [metadata, setMetadata] = useState(node?.metadata.map((m) => `${m.key}: ${m.value}`).join("\n") ?? "");
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const submit = useSubmit<Payload>();
  const [create] = useMutation(CreatePlanningNodeWebDocument, refetch);
  const [update] = useMutation(UpdatePlanningNodeWebDocument, refetch);
  const errors = { ...submit.errors, ...localErrors };
  const metadataId = useId();

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    if (!label.trim()) problems["label"] = "Give the node a name.";
    const fields = {
      kind,
      label: label.trim(),
      institution: institution.trim() || null,
      amount: optionalAmount(amount, currency, "amount", problems),
      balance: optionalAmount(balance, currency, "balance", problems, true),
      currency: currencyFixed ? null : currency,
      apy: apy.trim() || null,
      metadata: parseMetadata(metadata),
    };
    setLocalErrors(problems);
    if (Object.keys(problems).length) return;
    const done = await submit.run(async () =>
      node
        ? (await update({ variables: { input: { id: node.id, ...fields } } })).data?.updatePlanningNode
        : (await create({ variables: { input: fields } })).data?.createPlanningNode,
    );
    if (done) onClose();
  };
  const shown = ["kind", "label", "institution", "amount", "balance", "apy", "metadata", "currency"];
  const metadataError = Object.entries(errors).find(([path]) => path.startsWith("metadata"))?.[1];

  return (
    <Dialog open title={node ? `Edit ${node.label}` : "New node"} onClose={onClose}>
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="form-grid">
        <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as PlanningNodeKind)} error={errors["kind"]}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </SelectField>
        <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} error={errors["label"]} autoFocus autoComplete="off" />
        <TextField
          label="Institution"
          value={institution}
          onChange={(e) => setInstitution(e.target.value)}
          error={errors["institution"]}
          autoComplete="off"
          hint="Optional"
        />
        <TextField label="APY (%)" value={apy} onChange={(e) => setApy(e.target.value)} error={errors["apy"]} inputMode="decimal" hint='e.g. 4.25' />
        <MoneyField label="Amount" currency={currency} value={amount} onChange={(e) => setAmount(e.target.value)} error={errors["amount"] ?? errors["currency"]} hint="Optional, e.g. per month" />
        <MoneyField label="Balance" currency={currency} value={balance} onChange={(e) => setBalance(e.target.value)} error={errors["balance"]} hint="Optional; a debt may be negative" />
        <div className={`field span-2${metadataError ? " field-invalid" : ""}`}>
          <label htmlFor={metadataId}>Notes</label>
          <textarea id={metadataId} rows={3} value={metadata} onChange={(e) => setMetadata(e.target.value)} aria-invalid={metadataError ? true : undefined} placeholder="key: value, one a line" />
          {metadataError ? (
            <p className="field-error" role="alert">
              {metadataError}
            </p>
          ) : null}
        </div>
        <FormMessage>{unplacedErrors(errors, [...shown, ...Object.keys(errors).filter((k) => k.startsWith("metadata"))]) ?? submit.problem}</FormMessage>
        <FormActions submit={submit} onClose={onClose} label={node ? "Save" : "Add node"} />
      </form>
    </Dialog>
  );
}

export function FlowDialog({
  flow,
  nodes,
  currency,
  onClose,
}: {
  flow: PlanningFlowFieldsFragment | null;
  nodes: readonly PlanningNodeFieldsFragment[];
  currency: string;
  onClose: () => void;
}) {
  const [from, setFrom] = useState(flow?.fromId ?? nodes[0]?.id ?? "");
  const [to, setTo] = useState(flow?.toId ?? nodes[1]?.id ?? "");
  const [amount, setAmount] = useState(flow?.amount.amount ?? "");
  const [label, setLabel] = useState(flow?.label ?? "");
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const submit = useSubmit<Payload>();
  const [create] = useMutation(CreatePlanningFlowWebDocument, refetch);
  const [update] = useMutation(UpdatePlanningFlowWebDocument, refetch);
  const errors = { ...submit.errors, ...localErrors };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    const parsed = parseAmount(amount, currency);
    if (!parsed.ok) problems["amount"] = parsed.message;
    if (from === to) problems["to"] = "A flow goes from one node to another.";
    setLocalErrors(problems);
    if (Object.keys(problems).length || !parsed.ok) return;
    const fields = { from, to, amount: parsed.amount, currency, label: label.trim() || null };
    const done = await submit.run(async () =>
      flow
        ? (await update({ variables: { input: { id: flow.id, ...fields } } })).data?.updatePlanningFlow
        : (await create({ variables: { input: fields } })).data?.createPlanningFlow,
    );
    if (done) onClose();
  };
  const options = nodes.map((n) => (
    <option key={n.id} value={n.id}>
      {n.label} ({KIND_LABELS[n.kind].toLowerCase()})
    </option>
  ));

  return (
    <Dialog open title={flow ? "Edit flow" : "New flow"} onClose={onClose}>
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="form-grid">
        <SelectField label="From" value={from} onChange={(e) => setFrom(e.target.value)} error={errors["from"]}>
          {options}
        </SelectField>
        <SelectField label="To" value={to} onChange={(e) => setTo(e.target.value)} error={errors["to"]}>
          {options}
        </SelectField>
        <MoneyField label="Amount" currency={currency} value={amount} onChange={(e) => setAmount(e.target.value)} error={errors["amount"] ?? errors["currency"]} />
        <TextField label="Label" value={label} onChange={(e) => setLabel(e.target.value)} error={errors["label"]} autoComplete="off" hint="Optional" />
        <FormMessage>{unplacedErrors(errors, ["from", "to", "amount", "currency", "label"]) ?? submit.problem}</FormMessage>
        <FormActions submit={submit} onClose={onClose} label={flow ? "Save" : "Add flow"} />
      </form>
    </Dialog>
  );
}
