"""Flow specs load, and every product, known or not, finds a flow by its own fields."""

from pathlib import Path

import pytest

from kiosk.api.catalog_models import Product
from kiosk.flows.spec import SpecError, builtin_specs, load_spec, spec_for


def product(code: str, type_: str, has_price_list: bool = False, billable: bool = False) -> Product:
    return Product(
        name=code,
        code=code,
        type=type_,
        price=500,
        has_price_list=has_price_list,
        billable=billable,
    )


def test_every_builtin_spec_loads_and_ends_in_a_result() -> None:
    specs = builtin_specs()
    assert {s.id for s in specs} >= {
        "airtime",
        "bundle",
        "utility",
        "nwsc",
        "gotv",
        "dstv",
        "generic",
    }
    for spec in specs:
        assert spec.steps[-1].kind == "result"


@pytest.mark.parametrize(
    ("code", "type_", "has_list", "flow"),
    [
        ("AIRTEL", "AIRTIME", False, "airtime"),
        ("Airtel.Inet", "INTERNET", True, "bundle"),
        ("UMEME", "UTILITIES", False, "utility"),
        ("NWSC", "UTILITIES", False, "nwsc"),
        ("STARTIMES", "TV", False, "tv_account"),
        ("Azam", "TV", True, "tv_bouquet"),
        ("GOtv", "TV", True, "gotv"),
        ("DSTV.Primary", "TV", True, "dstv"),
        ("URA", "TAXES", False, "generic"),
        ("NEWCO.TV", "SATELLITE", True, "generic"),
        ("KCCA", "OTHERS", False, "generic"),
    ],
)
def test_products_find_their_flow(code: str, type_: str, has_list: bool, flow: str) -> None:
    assert spec_for(product(code, type_, has_list)).id == flow


def test_gotv_period_list_depends_on_the_bouquet() -> None:
    period = next(s for s in builtin_specs() if s.id == "gotv").step("period")
    assert period.resolve_list_id({"product_code": "GOtv:GOLITE"}) == "GOtv.Period2"
    assert period.resolve_list_id({"product_code": "GOtv:GOHAN"}) == "GOtv.Period3"
    assert period.resolve_list_id({"product_code": "GOtv:GOTVMAX"}) == "GOtv.Period"


def test_guards_on_answers_and_on_product_fields() -> None:
    dstv = next(s for s in builtin_specs() if s.id == "dstv")
    secondary = dstv.step("secondary_product_code")
    topup = product("DSTV.Primary", "TV", True)
    assert secondary.applies({"purchase_mode": "Bouquet", "feature": "Yes"}, topup)
    assert not secondary.applies({"purchase_mode": "Bouquet", "feature": "No"}, topup)
    assert not secondary.applies({"purchase_mode": "TopUp", "feature": "Yes"}, topup)
    contact = next(s for s in builtin_specs() if s.id == "generic").step("contact_phone")
    assert contact.applies({}, product("URA", "TAXES", billable=True))
    assert not contact.applies({}, product("X", "OTHERS", billable=False))


def test_a_bad_spec_file_names_the_file_and_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text('id = "x"\ntitle = "X"\n[[steps]]\nid = "a"\nkind = "choose"\n')
    with pytest.raises(SpecError, match=r"(?s)broken\.toml.*needs a source"):
        load_spec(bad)
