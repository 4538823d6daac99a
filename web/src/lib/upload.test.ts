import { describe, expect, it } from "vitest";

import { UploadError, uploadFile, type Progress } from "./upload";

/** A stand-in XMLHttpRequest that answers each send with the next scripted reply. */
class FakeRequest {
  static replies: { status: number; body: string }[] = [];
  static sent: { url: string; headers: Record<string, string>; body: unknown }[] = [];
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  status = 0;
  responseText = "";
  private url = "";
  private headers: Record<string, string> = {};
  open(_method: string, url: string) {
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    FakeRequest.sent.push({ url: this.url, headers: this.headers, body });
    const reply = FakeRequest.replies.shift();
    queueMicrotask(() => {
      if (!reply) {
        this.onerror?.();
        return;
      }
      this.upload.onprogress?.({ loaded: 3, total: 6, lengthComputable: true });
      this.status = reply.status;
      this.responseText = reply.body;
      this.onload?.();
    });
  }
}

const newRequest = () => new FakeRequest() as unknown as XMLHttpRequest;

function session(tokens: string[]) {
  const rejected: string[] = [];
  return {
    rejected,
    token: async () => tokens[0] ?? null,
    refreshAfterRejection: async (token: string) => {
      rejected.push(token);
      return tokens[1] ?? null;
    },
  };
}

describe("uploadFile", () => {
  it("sends the file with the token and answers the file id, reporting progress", async () => {
    FakeRequest.sent = [];
    FakeRequest.replies = [{ status: 201, body: JSON.stringify({ fileId: "f1", name: "a b.csv", size: 6 }) }];
    const seen: Progress[] = [];
    const file = new Blob(["abcdef"]);
    const answer = await uploadFile(session(["t1"]), "import", file, "a b.csv", (p) => seen.push(p), newRequest);
    expect(answer).toEqual({ fileId: "f1", name: "a b.csv", size: 6 });
    expect(FakeRequest.sent[0]?.url).toBe("/uploads?kind=import&name=a+b.csv");
    expect(FakeRequest.sent[0]?.headers.Authorization).toBe("Bearer t1");
    expect(FakeRequest.sent[0]?.body).toBe(file);
    expect(seen).toEqual([
      { sent: 3, total: 6 },
      { sent: 6, total: 6 },
    ]);
  });

  it("refreshes a refused token once and sends again", async () => {
    FakeRequest.sent = [];
    FakeRequest.replies = [
      { status: 401, body: JSON.stringify({ code: "UNAUTHENTICATED", message: "Sign in first" }) },
      { status: 201, body: JSON.stringify({ fileId: "f2", name: "x", size: 6 }) },
    ];
    const tokens = session(["old", "new"]);
    const answer = await uploadFile(tokens, "backup", new Blob(["abcdef"]), "x", undefined, newRequest);
    expect(answer.fileId).toBe("f2");
    expect(tokens.rejected).toEqual(["old"]);
    expect(FakeRequest.sent.map((s) => s.headers.Authorization)).toEqual(["Bearer old", "Bearer new"]);
  });

  it("gives the API's code and message when the file is refused", async () => {
    FakeRequest.replies = [{ status: 413, body: JSON.stringify({ code: "TOO_LARGE", message: "The file is larger than the 50 MiB allowed." }) }];
    const failure = uploadFile(session(["t"]), "import", new Blob(["x"]), "big.csv", undefined, newRequest);
    await expect(failure).rejects.toEqual(new UploadError("TOO_LARGE", "The file is larger than the 50 MiB allowed."));
  });

  it("says the file could not be sent when the network fails", async () => {
    FakeRequest.replies = [];
    const failure = uploadFile(session(["t"]), "import", new Blob(["x"]), "a.csv", undefined, newRequest);
    await expect(failure).rejects.toMatchObject({ code: "OFFLINE" });
  });
});
