import { useOutletContext } from "react-router";

import type { AccountBoardQuery } from "../../gql/graphql";

export type BoardAccount = NonNullable<AccountBoardQuery["account"]>;

export interface AccountOutlet {
  account: BoardAccount;
  /** Opens the record dialog (expense by default) — from anywhere on the account's screens. */
  record: (kind?: RecordKind, envelopeId?: string) => void;
}

export type RecordKind = "expense" | "income" | "move" | "transfer" | "payday";

export function useAccount(): AccountOutlet {
  return useOutletContext<AccountOutlet>();
}
