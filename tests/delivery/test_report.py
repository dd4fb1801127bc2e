"""The sender's delivery report stays one message: it is edited in place and cannot be split."""

from bot.core.i18n import translator
from bot.delivery.report import _names

LONGEST = 120  # the longest guardian name the lists keep


def test_three_lists_of_the_longest_names_fit_one_message() -> None:
    names = [f"{n:02d}" + "Nguyễn Thị Bảo Ngọc Ánh " * 5 for n in range(55)]
    names = [name[:LONGEST] for name in names]
    shown = _names(names, translator("vi"))
    header = 300  # the title, the counts and the three labels
    assert header + 3 * len(shown) <= 4096
    listed = [name for name in names if name in shown]
    assert listed == names[: len(listed)] and listed
    assert shown.endswith(f"và {len(names) - len(listed)} em khác")
