import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { OwnerFilter, SearchFilter } from "./ListFilters";

describe("the search filter", () => {
  it("searches once typing pauses, trimmed, and not for the search already in force", async () => {
    const onSearch = vi.fn();
    render(<SearchFilter id="s" value="" onSearch={onSearch} settleMs={20} />);
    const box = screen.getByLabelText("Search");
    expect(box).toHaveAttribute("type", "search");
    expect(box).toHaveAttribute("placeholder", "Part of a name");
    await userEvent.type(box, " digits ");
    await waitFor(() => expect(onSearch).toHaveBeenCalledWith("digits"));
    expect(onSearch).toHaveBeenCalledTimes(1);
  });

  it("starts from the search in force", () => {
    const onSearch = vi.fn();
    render(<SearchFilter id="s" value="iris" onSearch={onSearch} settleMs={20} />);
    expect(screen.getByLabelText("Search")).toHaveValue("iris");
    expect(onSearch).not.toHaveBeenCalled();
  });
});

describe("the owner filter", () => {
  it("offers everyone's and mine", async () => {
    const onChange = vi.fn();
    render(<OwnerFilter id="o" value="all" onChange={onChange} />);
    await userEvent.selectOptions(screen.getByLabelText("Whose"), "me");
    expect(onChange).toHaveBeenCalledWith("me");
  });
});
