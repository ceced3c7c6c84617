/**
 * Uploads with progress. Multipart (fetch cannot report upload progress; XMLHttpRequest can),
 * typed like the client: the path, its parameters, the form's fields and the answer all come from
 * the schema. And resumable dataset uploads (tus 1.0, tus-js-client): pieces that survive a
 * dropped connection or a reloaded page.
 */
import type { PathsWithMethod } from "openapi-typescript-helpers";
import { Upload, type DetailedError } from "tus-js-client";

import { CSRF_COOKIE, CSRF_HEADER, readCookie } from "../lib/csrf";
import { urlOf, type Success, type UrlParams } from "./client";
import { ApiError, apiErrorFrom } from "./errors";
import type { paths } from "./schema";

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** The fields of an operation's multipart body: text, or a file where the schema says binary. */
export type FormFields<Operation> = Operation extends {
  requestBody?: { content: { "multipart/form-data": infer Body } };
}
  ? { [Field in keyof Body]?: string | Blob }
  : never;

type Post<Path extends PathsWithMethod<paths, "post">> = paths[Path]["post"];

export function uploadForm<Path extends PathsWithMethod<paths, "post">>(
  path: Path,
  params: UrlParams<Post<Path>>,
  fields: FormFields<Post<Path>>,
  options: UploadOptions = {},
): Promise<Success<Post<Path>>> {
  const form = new FormData();
  for (const [field, value] of Object.entries(fields as Record<string, string | Blob | undefined>)) {
    if (value !== undefined) form.append(field, value);
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", urlOf(path, params));
    xhr.withCredentials = true;
    xhr.responseType = "text";
    const token = readCookie(CSRF_COOKIE);
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.({ loaded: event.loaded, total: event.total });
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Success<Post<Path>>);
      else reject(apiErrorFrom(xhr.status, body));
    };
    xhr.onerror = () =>
      reject(new ApiError(0, "network_error", "The upload was interrupted: could not reach the server."));
    xhr.onabort = () => reject(new ApiError(0, "aborted", "The upload was cancelled."));
    options.signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}

/** The server's resumable dataset uploads (tus 1.0 core, creation, termination). */
export const RESUMABLE_UPLOADS_PATH = "/api/v1/datasets/uploads/" satisfies keyof paths;
/** A piece: what a dropped connection can cost at most. The Python client sends the same. */
export const RESUMABLE_CHUNK_BYTES = 8 * 1024 * 1024;
/** Waits before each retry of a failed request; after the last, the upload fails. */
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10000];

/**
 * Send `file` in pieces; resolves with the id of the dataset it became. A dropped connection is
 * retried from the offset the server reports; the upload's URL is kept in localStorage under the
 * file's fingerprint (name, type, size, modification time), so dropping the same file after a
 * reload goes on from there too. Aborting `signal` deletes the unfinished upload.
 */
export function uploadResumable(file: File, fields: Record<string, string>, options: UploadOptions = {}) {
  return new Promise<string>((resolve, reject) => {
    let dataset: string | null = null;
    const token = readCookie(CSRF_COOKIE);
    const upload = new Upload(file, {
      endpoint: urlOf(RESUMABLE_UPLOADS_PATH, {}),
      chunkSize: RESUMABLE_CHUNK_BYTES,
      retryDelays: RETRY_DELAYS_MS,
      metadata: { ...fields, filename: file.name },
      headers: token ? { [CSRF_HEADER]: token } : {},
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (loaded, total) => options.onProgress?.({ loaded, total }),
      // The last PATCH (or the HEAD of an upload finished before a reload) names the dataset.
      onAfterResponse: (_request, response) => {
        dataset = response.getHeader("Neuroyard-Dataset") ?? dataset;
      },
      onSuccess: () => {
        if (dataset) resolve(dataset);
        else reject(new ApiError(0, "upload_incomplete", "The server did not say which dataset the upload became."));
      },
      onError: (error) => reject(resumableError(error)),
    });
    options.signal?.addEventListener("abort", () => {
      void upload.abort(true).catch(() => undefined);
      reject(new ApiError(0, "aborted", "The upload was cancelled."));
    });
    void upload.findPreviousUploads().then((previous) => {
      if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0]!);
      upload.start();
    }, reject);
  });
}

/** The server's coded error when it answered; the network's otherwise. */
function resumableError(error: Error | DetailedError): ApiError {
  const response = "originalResponse" in error ? error.originalResponse : null;
  if (!response) {
    return new ApiError(0, "network_error", "The upload was interrupted: could not reach the server.");
  }
  let body: unknown = null;
  try {
    body = JSON.parse(response.getBody());
  } catch {
    body = null;
  }
  return apiErrorFrom(response.getStatus(), body);
}
