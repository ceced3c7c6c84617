/** File uploads with progress (fetch cannot report upload progress; XMLHttpRequest can). */
import { ApiError, apiErrorFrom } from "../api/errors";
import { CSRF_COOKIE, CSRF_HEADER, readCookie } from "./csrf";

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

export function uploadForm<T>(url: string, form: FormData, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
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
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(apiErrorFrom(xhr.status, body));
    };
    xhr.onerror = () =>
      reject(new ApiError(0, "network_error", "The upload was interrupted: could not reach the server."));
    xhr.onabort = () => reject(new ApiError(0, "aborted", "The upload was cancelled."));
    options.signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}
