"""Vietnamese names: NFC, splitting, search keys and class-list order."""

import unicodedata

from storage.names import collation_key, nfc, search_key, sort_full_names, split_name


def test_class_list_follows_the_icu_example_of_domain_notes() -> None:
    names = ["Lê Đức", "Phạm Minh Dũng", "Trần Thị Ánh", "Hoàng Anh", "Nguyễn Văn An"]
    expected = ["Nguyễn Văn An", "Hoàng Anh", "Trần Thị Ánh", "Phạm Minh Dũng", "Lê Đức"]
    assert sort_full_names(names) == expected


def test_letters_with_marks_follow_the_vietnamese_alphabet() -> None:
    words = ["y", "đ", "d", "ơ", "o", "ô", "ư", "u", "â", "ă", "a", "e", "ê"]
    expected = ["a", "ă", "â", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư", "y"]
    assert sorted(words, key=collation_key) == expected


def test_tones_order_ngang_huyen_hoi_nga_sac_nang() -> None:
    assert sorted(["ạ", "á", "ã", "ả", "à", "a"], key=collation_key) == [
        "a",
        "à",
        "ả",
        "ã",
        "á",
        "ạ",
    ]


def test_letters_decide_before_tones() -> None:
    assert sorted(["Ánh", "Anh", "Ba"], key=collation_key) == ["Anh", "Ánh", "Ba"]


def test_given_name_then_middle_then_family() -> None:
    names = ["Trần Văn Bình", "Lê Thị Bình", "Nguyễn Thị Bình", "Đỗ An"]
    assert sort_full_names(names) == ["Đỗ An", "Lê Thị Bình", "Nguyễn Thị Bình", "Trần Văn Bình"]


def test_decomposed_input_is_stored_in_nfc_and_sorts_the_same() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    assert len(decomposed) == 26
    assert nfc(decomposed) == "Nguyễn Thị Ánh Tuyết"
    assert len(nfc(decomposed)) == 20
    assert collation_key(decomposed) == collation_key("Nguyễn Thị Ánh Tuyết")


def test_split_name_family_middle_given() -> None:
    parts = split_name("  Nguyễn   Thị Ánh  Tuyết ")
    assert (parts.family, parts.middle, parts.given) == ("Nguyễn", "Thị Ánh", "Tuyết")
    assert split_name("H'Hen").given == "H'Hen"
    assert split_name("Lê Đức").middle == ""


def test_search_key_drops_accents_and_maps_d_bar() -> None:
    assert search_key("Đỗ Thu THÚY") == "do thu thuy"
    assert search_key(unicodedata.normalize("NFD", "Đặng Ngọc Ánh")) == "dang ngoc anh"
