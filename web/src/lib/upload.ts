/**
 * Sending a file to the API before the mutation that works on it: `POST /uploads` with the file
 * as the raw body and the access token (see app/uploads.py for why not GraphQL multipart). It
 * goes through XMLHttpRequest because fetch cannot report an upload's progress. A refused token
 * (the access token expired while the file was chosen) is refreshed once and the file sent again.
 */
import { useCallback, useRef, useState } from "react";

import { useAuth } from "../auth/AuthProvider";
import type { Session } from "../auth/session";

export type UploadKind = "import" | "backup";

export interface Uploaded {
  fileId: string;
  name: string;
  size: number;
}

export interface Progress {
  sent: number;
  total: number;
}

/** What the API (or the network) said instead of a file id. */
export class UploadError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type TokenSource = Pick<Session, "token" | "refreshAfterRejection">;

export async function uploadFile(
  session: TokenSource,
  kind: UploadKind,
  file: Blob,
  name: string,
  onProgress: (progress: Progress) => void = () => {},
  newRequest: () => XMLHttpRequest = () => new XMLHttpRequest(),
): Promise<Uploaded> {
  const token = await session.token();
  if (!token) throw new UploadError("UNAUTHENTICATED", "Sign in again to send the file.");
  try {
    return await send(token, kind, file, name, onProgress, newRequest);
  } catch (error) {
    if (!(error instanceof UploadError) || error.code !== "UNAUTHENTICATED") throw error;
    const fresh = await session.refreshAfterRejection(token);
    if (!fresh) throw error;
    return send(fresh, kind, file, name, onProgress, newRequest);
  }
}

function send(
  token: string,
  kind: UploadKind,
  file: Blob,
  name: string,
  onProgress: (progress: Progress) => void,
  newRequest: () => XMLHttpRequest,
): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const request = newRequest();
    const query = new URLSearchParams({ kind, name });
    request.open("POST", `/uploads?${query.toString()}`);
    request.setRequestHeader("Authorization", `Bearer ${token}`);
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.upload.onprogress = (event) => {
      onProgress({ sent: event.loaded, total: event.lengthComputable ? event.total : file.size });
    };
    request.onerror = () => reject(new UploadError("OFFLINE", "The file could not be sent. Check the connection and try again."));
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = null;
      }
      if (request.status === 201 && isUploaded(body)) {
        onProgress({ sent: file.size, total: file.size });
        resolve(body);
        return;
      }
      const refusal = body as { code?: unknown; message?: unknown } | null;
      const code = typeof refusal?.code === "string" ? refusal.code : `HTTP_${request.status}`;
      const message = typeof refusal?.message === "string" ? refusal.message : "The file could not be sent. Try again.";
      reject(new UploadError(code, message));
    };
    request.send(file);
  });
}

function isUploaded(body: unknown): body is Uploaded {
  const value = body as Partial<Uploaded> | null;
  return typeof value?.fileId === "string" && typeof value.size === "number" && typeof value.name === "string";
}

/** `upload(kind, file)` with its progress and error, for a screen. */
export function useUpload() {
  const { session } = useAuth();
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<UploadError | null>(null);
  const [busy, setBusy] = useState(false);
  const current = useRef(0);
  const upload = useCallback(
    async (kind: UploadKind, file: File): Promise<Uploaded | null> => {
      const attempt = ++current.current;
      setBusy(true);
      setError(null);
      setProgress({ sent: 0, total: file.size });
      try {
        return await uploadFile(session, kind, file, file.name, (p) => {
          if (attempt === current.current) setProgress(p);
        });
      } catch (caught) {
        const failure = caught instanceof UploadError ? caught : new UploadError("OFFLINE", "The file could not be sent. Try again.");
        if (attempt === current.current) setError(failure);
        return null;
      } finally {
        if (attempt === current.current) setBusy(false);
      }
    },
    [session],
  );
  return { upload, progress, error, busy };
}
