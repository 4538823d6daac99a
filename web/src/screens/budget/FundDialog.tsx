import { useMutation } from "@apollo/client/react";
import { useCallback, useEffect, useState } from "react";

import { onAcceptedChange } from "../../apollo/afterChange";
import { FundEnvelopesPreviewWebDocument, FundEnvelopesWebDocument, type FundResultFieldsFragment } from "../../gql/graphql";
import { formatMoney, toMinor } from "../../lib/money";
import { describeProblem } from "../../lib/requestErrors";
import { useSubmit } from "../../lib/useSubmit";
import { fieldErrors, unplacedErrors } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Amount, Button, FormMessage, Loading } from "../../ui/kit";
import type { BoardAccount } from "../account/useAccount";

type Payload = FundResultFieldsFragment;

/**
 * "Fill envelopes from plans": a dry run first (what each envelope would get), then Apply
 * books the same as one move with an idempotency key (a retried Apply never moves twice).
 */
export function FundDialog({
  account,
  period,
  periodName,
  onClose,
  onApplied,
}: {
  account: BoardAccount;
  /** The period's first day; null = the current period. */
  period: string | null;
  periodName: string;
  onClose: () => void;
  onApplied: (message: string) => void;
}) {
  const [previewFund] = useMutation(FundEnvelopesPreviewWebDocument);
  const [fund] = useMutation(FundEnvelopesWebDocument);
  const [preview, setPreview] = useState<Payload | null>(null);
  const [previewProblem, setPreviewProblem] = useState<{ message: string; retryable: boolean } | null>(null);
  const [previewing, setPreviewing] = useState(true);
  const submit = useSubmit<Payload>();
  const currency = account.currency;

  const runPreview = useCallback(async () => {
    setPreviewing(true);
    setPreviewProblem(null);
    try {
      const result = await previewFund({ variables: { input: { accountId: account.id, period, dryRun: true } } });
      const payload = result.data?.fundEnvelopes ?? null;
      setPreview(payload);
      if (payload?.userErrors.length) {
        setPreviewProblem({ message: Object.values(fieldErrors(payload.userErrors)).join(" "), retryable: false });
      }
    } catch (error) {
      setPreviewProblem(describeProblem(error));
    } finally {
      setPreviewing(false);
    }
  }, [previewFund, account.id, period]);

  useEffect(() => {
    void runPreview();
  }, [runPreview]);

  const apply = async () => {
    const payload = await submit.run(
      async (idempotencyKey) =>
        (
          await fund({
            variables: { input: { accountId: account.id, period, dryRun: false, idempotencyKey } },
            update: onAcceptedChange([account.id]),
          })
        ).data?.fundEnvelopes,
    );
    if (!payload) return;
    const moved = payload.assigned ?? { amount: "0", currency };
    const count = payload.envelopes.filter((e) => toMinor(e.assigned.amount, currency) > 0n).length;
    const short = payload.shortfall && toMinor(payload.shortfall.amount, currency) > 0n ? ` ${formatMoney(payload.shortfall)} is still missing.` : "";
    onApplied(
      toMinor(moved.amount, currency) > 0n
        ? `Moved ${formatMoney(moved)} from Ready to assign into ${count} envelope${count === 1 ? "" : "s"}.${short}`
        : "Nothing was moved: the envelopes already had what they need.",
    );
  };

  const rows = preview?.envelopes ?? [];
  const assigned = preview?.assigned ?? { amount: "0", currency };
  const shortfall = preview?.shortfall ?? { amount: "0", currency };
  const anything = toMinor(assigned.amount, currency) > 0n;
  const isShort = toMinor(shortfall.amount, currency) > 0n;

  return (
    <Dialog open title={`Fill envelopes from plans — ${periodName}`} onClose={onClose} wide>
      <p className="muted">
        Moves from Ready to assign (now {formatMoney(account.available.balance)}) into each envelope what its plan and goal still need
        in {periodName}: by goal priority, then in the board's order, while the money lasts.
      </p>
      {previewing ? <Loading label="Working out what each envelope needs…" /> : null}
      {!previewing && previewProblem ? (
        <div className="state state-error" role="alert">
          <p>{previewProblem.message}</p>
          {previewProblem.retryable ? <Button onClick={() => void runPreview()}>Try again</Button> : null}
        </div>
      ) : null}
      {!previewing && preview && !previewProblem ? (
        rows.length === 0 ? (
          <p className="form-message form-message-info" role="status">
            Nothing to fill: every envelope already has what its plan and goal need in {periodName}.
          </p>
        ) : (
          <>
            <table className="table fund-table" aria-label="What each envelope would get">
              <thead>
                <tr>
                  <th scope="col">Envelope</th>
                  <th scope="col" className="num">Needs</th>
                  <th scope="col" className="num">Gets</th>
                  <th scope="col" className="num">Short by</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const rowShort = toMinor(row.shortfall.amount, currency) > 0n;
                  return (
                    <tr key={row.envelope.id} className={rowShort ? "fund-short" : undefined}>
                      <th scope="row">{row.envelope.name}</th>
                      <td className="num"><Amount money={row.needed} /></td>
                      <td className="num"><Amount money={row.assigned} /></td>
                      <td className="num">{rowShort ? <Amount money={row.shortfall} /> : <span className="muted">—</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">In all</th>
                  <td />
                  <td className="num"><strong><Amount money={assigned} /></strong></td>
                  <td className="num">{isShort ? <Amount money={shortfall} /> : null}</td>
                </tr>
              </tfoot>
            </table>
            <p className="fund-summary" role="status">
              {anything ? (
                <>
                  <strong>{formatMoney(assigned)}</strong> would move from Ready to assign.
                </>
              ) : (
                "Ready to assign is empty: nothing can be moved."
              )}
              {isShort ? (
                <>
                  {" "}
                  Ready to assign is <strong>{formatMoney(shortfall)}</strong> short of what the plans need: the envelopes at the bottom get less.
                </>
              ) : null}
            </p>
          </>
        )
      ) : null}
      <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
      <div className="form-actions">
        {submit.problem && submit.retryable ? (
          <Button onClick={submit.retry} busy={submit.busy}>
            Retry (same request)
          </Button>
        ) : null}
        <Button onClick={onClose}>{anything ? "Cancel" : "Close"}</Button>
        {anything && !previewProblem ? (
          <Button variant="primary" onClick={() => void apply()} busy={submit.busy}>
            Apply: move {formatMoney(assigned)}
          </Button>
        ) : null}
      </div>
    </Dialog>
  );
}
