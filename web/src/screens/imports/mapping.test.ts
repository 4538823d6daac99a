import { describe, expect, it } from "vitest";

import {
  BLANK_MAPPING,
  columnChoices,
  dateFormatFor,
  fitsDateFormat,
  formFromMapping,
  isCancellable,
  isWorking,
  mappingErrors,
  mappingInput,
  PHASE_OF,
  progressOf,
  type MappingLike,
} from "./mapping";

const guessed: MappingLike = { ...BLANK_MAPPING, decimalSeparator: ",", thousandsSeparator: ".", delimiter: ";", encoding: "utf-8", skipLines: 1 };

describe("where a job stands", () => {
  it("polls only a job some process works on", () => {
    expect((["ANALYSING", "QUEUED", "RUNNING"] as const).every(isWorking)).toBe(true);
    expect((["NEEDS_MAPPING", "PREVIEW", "DONE", "FAILED", "CANCELLED"] as const).some(isWorking)).toBe(false);
  });

  it("shows each status as one phase of the screen", () => {
    expect(PHASE_OF.NEEDS_MAPPING).toBe("mapping");
    expect(PHASE_OF.QUEUED).toBe(PHASE_OF.RUNNING);
    expect(PHASE_OF.DONE).toBe("done");
  });

  it("cancels what is not finished only", () => {
    expect(isCancellable("PREVIEW")).toBe(true);
    expect(isCancellable("RUNNING")).toBe(true);
    expect(isCancellable("DONE")).toBe(false);
    expect(isCancellable("FAILED")).toBe(false);
  });

  it("counts rows done of the total, whole percent, full when done", () => {
    expect(progressOf({ rowsDone: 1, rowsTotal: 3, status: "RUNNING" })).toEqual({ done: 1, total: 3, percent: 33, text: "1 of 3 rows" });
    expect(progressOf({ rowsDone: 7, rowsTotal: null, status: "ANALYSING" })).toMatchObject({ total: null, percent: 0, text: "7 rows so far" });
    expect(progressOf({ rowsDone: 0, rowsTotal: 0, status: "DONE" }).percent).toBe(100);
  });
});

describe("the mapping form", () => {
  it("keeps what the API read from the file (delimiter, header, encoding, skipped lines)", () => {
    const form = { ...formFromMapping(guessed), date: "Wann", amount: "Betrag", payee: "Wer" };
    const result = mappingInput(form);
    expect(result).toEqual({
      ok: true,
      input: expect.objectContaining({
        date: "Wann",
        amount: "Betrag",
        debit: null,
        credit: null,
        payee: "Wer",
        memo: null,
        decimalSeparator: ",",
        thousandsSeparator: ".",
        sign: "SIGNED",
        delimiter: ";",
        encoding: "utf-8",
        skipLines: 1,
        hasHeader: true,
      }),
    });
  });

  it("asks for the date and the amount before the API does", () => {
    const result = mappingInput(formFromMapping(null));
    expect(result).toEqual({ ok: false, errors: { date: "Choose the column with the date.", amount: "Choose the column with the amount." } });
  });

  it("reads money out and money in from two columns, with no sign convention", () => {
    const form = { ...formFromMapping(null), date: "D", amountMode: "split" as const, debit: "Out", credit: "In", sign: "INVERTED" as const };
    const result = mappingInput(form);
    expect(result.ok && result.input).toMatchObject({ amount: null, debit: "Out", credit: "In", sign: "SIGNED" });
    expect(mappingInput({ ...form, credit: "Out" })).toMatchObject({ ok: false, errors: { credit: expect.any(String) } });
    expect(mappingInput({ ...form, debit: "", credit: "" })).toMatchObject({ ok: false, errors: { debit: expect.any(String) } });
  });

  it("opens in two-column mode for a mapping with debit and credit", () => {
    expect(formFromMapping({ ...guessed, debit: "Out", credit: "In" }).amountMode).toBe("split");
  });

  it("needs the sign column and its debit markers for a COLUMN sign", () => {
    const form = { ...formFromMapping(null), date: "D", amount: "A", sign: "COLUMN" as const };
    expect(mappingInput(form)).toMatchObject({ ok: false, errors: { signColumn: expect.any(String), debitMarkers: expect.any(String) } });
    const result = mappingInput({ ...form, signColumn: "DC", debitMarkers: " D, Debit ," });
    expect(result.ok && result.input).toMatchObject({ signColumn: "DC", debitMarkers: ["D", "Debit"], sign: "COLUMN" });
  });

  it("refuses the same mark for decimals and thousands", () => {
    const form = { ...formFromMapping(null), date: "D", amount: "A", decimalSeparator: ",", thousandsSeparator: "," };
    expect(mappingInput(form)).toMatchObject({ ok: false, errors: { thousandsSeparator: expect.any(String) } });
  });

  it("places the API's csvMapping.<field> errors on the form's fields", () => {
    expect(mappingErrors({ "csvMapping.date": "No column Datum.", "": "Oops" })).toEqual({ date: "No column Datum.", "": "Oops" });
  });

  it("offers the header's columns with a sample, or positions in a file without a header", () => {
    expect(columnChoices(["When", "How much"], [["2026-01-31", "-5.00"]], true)).toEqual([
      { value: "When", label: "When — e.g. 2026-01-31" },
      { value: "How much", label: "How much — e.g. -5.00" },
    ]);
    expect(columnChoices([], [["31/01/2026", "x"]], false).map((c) => c.value)).toEqual(["0", "1"]);
  });
});

describe("date formats", () => {
  it("fits a format only when every sample reads as a real day", () => {
    expect(fitsDateFormat("%d/%m/%Y", ["31/01/2026", "01/02/2026"])).toBe(true);
    expect(fitsDateFormat("%m/%d/%Y", ["31/01/2026"])).toBe(false);
    expect(fitsDateFormat("%d.%m.%Y", ["2026-01-31"])).toBe(false);
    expect(fitsDateFormat("%Y%m%d", ["20260131"])).toBe(true);
  });

  it("keeps the current format when it fits, else takes the one most samples read in", () => {
    expect(dateFormatFor("%m/%d/%Y", ["01/02/2026"])).toBe("%m/%d/%Y");
    expect(dateFormatFor("%Y-%m-%d", ["27/11/2026"])).toBe("%d/%m/%Y");
    expect(dateFormatFor("%Y-%m-%d", ["someday"])).toBe("%Y-%m-%d");
    // A malformed row among the samples does not decide.
    expect(dateFormatFor("%Y-%m-%d", ["27/11/2026", "someday", "28/11/2026"])).toBe("%d/%m/%Y");
  });
});
