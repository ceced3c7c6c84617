import { useId, useState, type DragEvent } from "react";

interface Props {
  accept: string;
  onFile: (file: File) => void;
  disabled?: boolean;
  hint?: string;
}

/** Drop a file here, or pick one: the zone is the file input's label, so keyboard works too. */
export function DropZone({ accept, onFile, disabled = false, hint }: Props) {
  const id = useId();
  const [over, setOver] = useState(false);

  const take = (files: FileList | null) => {
    const file = files?.[0];
    if (file && !disabled) onFile(file);
  };
  const onDragOver = (event: DragEvent) => {
    event.preventDefault();
    if (!disabled) {
      event.dataTransfer.dropEffect = "copy";
      setOver(true);
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    take(event.dataTransfer.files);
  };

  return (
    <label
      htmlFor={id}
      className={`dropzone${over ? " dropzone-over" : ""}${disabled ? " dropzone-disabled" : ""}`}
      onDragOver={onDragOver}
      onDragEnter={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="dropzone"
    >
      <input
        id={id}
        type="file"
        className="visually-hidden"
        accept={accept}
        disabled={disabled}
        onChange={(event) => {
          take(event.target.files);
          event.target.value = "";
        }}
        // Space opens a focused file input; Enter, what people press on a "button", did not
        onKeyDown={(event) => {
          if (event.key === "Enter" && !disabled) {
            event.preventDefault();
            event.currentTarget.click();
          }
        }}
      />
      <span className="dropzone-icon" aria-hidden="true">
        ⇪
      </span>
      <span className="dropzone-title">Drop a file here, or click to choose one</span>
      {hint && <span className="dropzone-hint">{hint}</span>}
    </label>
  );
}
