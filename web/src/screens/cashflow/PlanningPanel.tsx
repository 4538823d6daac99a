import { useMutation, useQuery } from "@apollo/client/react";
import { useState } from "react";

import {
  DeletePlanningFlowWebDocument,
  DeletePlanningNodeWebDocument,
  PlanningModelWebDocument,
  SeedPlanningWebDocument,
  type PlanningFlowFieldsFragment,
  type PlanningNodeFieldsFragment,
} from "../../gql/graphql";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Amount, Button, Empty, FormMessage, Loading, Problem } from "../../ui/kit";
import { LazySankeyChart } from "./LazySankeyChart";
import { FlowDialog, NodeDialog } from "./PlanningForms";
import { KIND_LABELS } from "./sankey";

type Node = PlanningNodeFieldsFragment;
type Flow = PlanningFlowFieldsFragment;

/** The household's planning model: its diagram, its nodes and flows, and seeding it from the ledger. */
export function PlanningPanel({ period, currency }: { period: { from: string; to: string }; currency: string | null }) {
  const { data, loading, error, refetch } = useQuery(PlanningModelWebDocument);
  const [editingNode, setEditingNode] = useState<Node | "new" | null>(null);
  const [editingFlow, setEditingFlow] = useState<Flow | "new" | null>(null);
  const [seeding, setSeeding] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const refetchQueries = ["PlanningModelWeb"];
  const [removeNode] = useMutation(DeletePlanningNodeWebDocument, { refetchQueries, awaitRefetchQueries: true });
  const [removeFlow] = useMutation(DeletePlanningFlowWebDocument, { refetchQueries, awaitRefetchQueries: true });

  if (loading && !data) return <Loading label="Loading your plan…" />;
  if (error && !data) return <Problem error={error} onRetry={() => void refetch()} />;
  const model = data?.planningModel;
  if (!model) return null;
  const names = new Map(model.nodes.map((n) => [n.id, n.label]));
  const modelCurrency = model.currency ?? currency ?? "EUR";

  const deleteNode = (node: Node) => {
    const flows = model.flows.filter((f) => f.fromId === node.id || f.toId === node.id).length;
    const more = flows ? ` and its ${flows === 1 ? "flow" : `${flows} flows`}` : "";
    if (!window.confirm(`Delete “${node.label}”${more}?`)) return;
    setProblem(null);
    void removeNode({ variables: { input: { id: node.id } } })
      .then((r) => setProblem(r.data?.deletePlanningNode.userErrors[0]?.message ?? null))
      .catch(() => setProblem("Could not delete it. Check your connection and try again."));
  };
  const deleteFlow = (flow: Flow) => {
    if (!window.confirm(`Delete the flow ${names.get(flow.fromId) ?? "?"} → ${names.get(flow.toId) ?? "?"}?`)) return;
    setProblem(null);
    void removeFlow({ variables: { input: { id: flow.id } } })
      .then((r) => setProblem(r.data?.deletePlanningFlow.userErrors[0]?.message ?? null))
      .catch(() => setProblem("Could not delete it. Check your connection and try again."));
  };

  return (
    <section className="card planning-card" aria-labelledby="planning-title">
      <header className="card-header">
        <div>
          <h2 id="planning-title">Your plan</h2>
          <p className="muted planning-intro">Income, accounts, expenses, savings, investments and debts, and the money you plan to move between them.</p>
        </div>
        {model.canEdit ? (
          <div className="card-actions">
            <Button onClick={() => setSeeding(true)} disabled={!currency}>
              Seed from my ledger
            </Button>
            <Button onClick={() => setEditingNode("new")}>+ Node</Button>
            <Button variant="primary" onClick={() => setEditingFlow("new")} disabled={model.nodes.length < 2}>
              + Flow
            </Button>
          </div>
        ) : null}
      </header>
      <FormMessage>{problem}</FormMessage>
      {model.nodes.length === 0 ? (
        <Empty title="No plan yet.">
          <p>Add nodes and the flows between them, or seed the plan from what your ledger shows for the period above.</p>
        </Empty>
      ) : (
        <>
          {model.currency && model.sankey.links.length ? (
            <LazySankeyChart diagram={model.sankey} currency={model.currency} label="Your planned cash flow" />
          ) : null}
          <div className="planning-lists">
            <div>
              <h3>Nodes</h3>
              <ul className="planning-list" aria-label="Nodes">
                {model.nodes.map((node) => (
                  <li key={node.id} className="planning-item">
                    <span className={`planning-kind planning-kind-${node.kind.toLowerCase()}`}>{KIND_LABELS[node.kind]}</span>
                    <span className="planning-main">
                      <span className="planning-label">{node.label}</span>
                      <span className="muted planning-detail">
                        {[node.institution, node.apy ? `${node.apy} % APY` : null].filter(Boolean).join(" · ")}
                      </span>
                    </span>
                    <span className="planning-figures">
                      {node.amount ? <Amount money={node.amount} /> : null}
                      {node.balance ? (
                        <span className="muted">
                          balance <Amount money={node.balance} />
                        </span>
                      ) : null}
                    </span>
                    {model.canEdit ? <ItemActions name={node.label} onEdit={() => setEditingNode(node)} onDelete={() => deleteNode(node)} /> : null}
                  </li>
                ))}
              </ul>
            </div>
            <div>
              <h3>Flows</h3>
              {model.flows.length === 0 ? (
                <p className="muted">No flows yet: add one to draw the plan.</p>
              ) : (
                <ul className="planning-list" aria-label="Flows">
                  {model.flows.map((flow) => {
                    const title = `${names.get(flow.fromId) ?? "?"} → ${names.get(flow.toId) ?? "?"}`;
                    return (
                      <li key={flow.id} className="planning-item">
                        <span className="planning-main">
                          <span className="planning-label">{title}</span>
                          {flow.label ? <span className="muted planning-detail">{flow.label}</span> : null}
                        </span>
                        <span className="planning-figures">
                          <Amount money={flow.amount} />
                        </span>
                        {model.canEdit ? <ItemActions name={title} onEdit={() => setEditingFlow(flow)} onDelete={() => deleteFlow(flow)} /> : null}
                      </li>
                    );
                  })}
                </ul>
              )}
            </div>
          </div>
        </>
      )}
      {editingNode ? (
        <NodeDialog
          node={editingNode === "new" ? null : editingNode}
          currency={modelCurrency}
          currencyFixed={model.currency !== null}
          onClose={() => setEditingNode(null)}
        />
      ) : null}
      {editingFlow ? (
        <FlowDialog flow={editingFlow === "new" ? null : editingFlow} nodes={model.nodes} currency={modelCurrency} onClose={() => setEditingFlow(null)} />
      ) : null}
      {seeding && currency ? (
        <SeedDialog period={period} currency={currency} replacing={model.nodes.length > 0} onClose={() => setSeeding(false)} />
      ) : null}
    </section>
  );
}

function ItemActions({ name, onEdit, onDelete }: { name: string; onEdit: () => void; onDelete: () => void }) {
  return (
    <span className="planning-actions">
      <Button variant="ghost" onClick={onEdit} aria-label={`Edit ${name}`}>
        Edit
      </Button>
      <Button variant="ghost" onClick={onDelete} aria-label={`Delete ${name}`}>
        Delete
      </Button>
    </span>
  );
}

function SeedDialog({
  period,
  currency,
  replacing,
  onClose,
}: {
  period: { from: string; to: string };
  currency: string;
  replacing: boolean;
  onClose: () => void;
}) {
  const submit = useSubmit<{ userErrors: readonly UserErrorLike[] }>();
  const [seed] = useMutation(SeedPlanningWebDocument, { refetchQueries: ["PlanningModelWeb"], awaitRefetchQueries: true });
  const confirm = async () => {
    const done = await submit.run(
      async () =>
        (await seed({ variables: { input: { from: period.from, to: period.to, currency, replace: replacing } } })).data
          ?.seedPlanningFromLedger,
    );
    if (done) onClose();
  };
  return (
    <Dialog open title="Seed your plan from the ledger" onClose={onClose}>
      <p>
        Your plan becomes what your {currency} accounts show from {period.from} to {period.to}: income sources, accounts, and
        envelopes as expenses, with the money that flowed between them.
      </p>
      {replacing ? (
        <p className="form-message form-message-error" role="alert">
          This replaces your current plan: its nodes and flows are deleted.
        </p>
      ) : null}
      <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
      <div className="form-actions">
        <Button onClick={onClose}>Cancel</Button>
        <Button variant={replacing ? "danger" : "primary"} onClick={() => void confirm()} busy={submit.busy}>
          {replacing ? "Replace my plan" : "Seed my plan"}
        </Button>
      </div>
    </Dialog>
  );
}
