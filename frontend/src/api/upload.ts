/**
 * Multipart uploads with progress (fetch cannot report upload progress; XMLHttpRequest can),
 * typed like the client: the path, its parameters, the form's fields and the answer all come from
 * the schema.
 */
import type { PathsWithMethod } from "openapi-typescript-helpers";

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
