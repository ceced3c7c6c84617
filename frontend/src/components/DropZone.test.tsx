import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { DropZone } from "./DropZone";

describe("the drop zone", () => {
  it("takes a file dropped on it", () => {
    const onFile = vi.fn();
    render(<DropZone accept=".npz" onFile={onFile} />);
    const file = new File(["x"], "digits.npz");
    const zone = screen.getByTestId("dropzone");
    fireEvent.dragOver(zone, { dataTransfer: { files: [file], dropEffect: "" } });
    expect(zone).toHaveClass("dropzone-over");
    fireEvent.drop(zone, { dataTransfer: { files: [file] } });
    expect(onFile).toHaveBeenCalledWith(file);
    expect(zone).not.toHaveClass("dropzone-over");
  });

  it("is a labelled file input, so it works from the keyboard", async () => {
    const onFile = vi.fn();
    render(<DropZone accept=".npz" onFile={onFile} />);
    const input = screen.getByLabelText(/drop a file here/i);
    const file = new File(["x"], "digits.npz");
    await userEvent.upload(input, file);
    expect(onFile).toHaveBeenCalledWith(file);
  });

  it("opens the file picker on Enter, as a button would", () => {
    render(<DropZone accept=".npz" onFile={vi.fn()} />);
    const input = screen.getByLabelText(/drop a file here/i);
    const click = vi.spyOn(input, "click");
    fireEvent.keyDown(input, { key: "Enter" });
    expect(click).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(input, { key: "a" });
    expect(click).toHaveBeenCalledTimes(1);
  });

  it("takes nothing while an upload is under way", () => {
    const onFile = vi.fn();
    render(<DropZone accept=".npz" onFile={onFile} disabled />);
    fireEvent.drop(screen.getByTestId("dropzone"), { dataTransfer: { files: [new File(["x"], "a.npz")] } });
    expect(onFile).not.toHaveBeenCalled();
  });
});
