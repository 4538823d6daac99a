"""Files that are not what they claim are refused whole, with a reason a person can read."""

from __future__ import annotations

import random

import pytest

from app.services.imports.formats import MAX_FILE_BYTES, FileRefused, parse

from .fixture_files import needs_fixtures, read

CAMT_WITH_ENTITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Document [<!ENTITY payee "Evil &#x26; Co">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt><Stmt>
<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2024-01-02</Dt>
</BookgDt><NtryDtls><TxDtls><RltdPties><Cdtr><Nm>&payee;</Nm></Cdtr></RltdPties></TxDtls>
</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>
"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Document><BkToCstmrStmt>&lol2;</BkToCstmrStmt></Document>
"""


class TestRefusedFiles:
    def test_a_camt_file_with_a_dtd_and_entities_is_refused(self) -> None:
        with pytest.raises(FileRefused, match="DTD or entities"):
            parse(CAMT_WITH_ENTITY, filename="statement.xml", currency="EUR")

    def test_an_entity_expansion_bomb_is_refused(self) -> None:
        with pytest.raises(FileRefused, match="DTD or entities"):
            parse(BILLION_LAUGHS, filename="statement.xml", currency="EUR")

    def test_random_bytes_are_refused(self) -> None:
        noise = random.Random(12).randbytes(4096)
        with pytest.raises(FileRefused):
            parse(noise, filename=None, currency="EUR")
        with pytest.raises(FileRefused):
            parse(noise, filename="export.csv", currency="EUR")

    def test_an_empty_file_is_refused(self) -> None:
        with pytest.raises(FileRefused, match="empty"):
            parse(b"  \r\n", filename="export.qif", currency="EUR")

    def test_a_file_over_the_size_limit_is_refused(self) -> None:
        with pytest.raises(FileRefused, match="larger than 50 MB"):
            parse(b"x" * (MAX_FILE_BYTES + 1), filename="big.csv", currency="EUR")

    def test_xml_that_is_not_camt_is_refused(self) -> None:
        with pytest.raises(FileRefused, match="not a bank file"):
            parse(b"<?xml version='1.0'?><html/>", filename="page.xml", currency="EUR")
        with pytest.raises(FileRefused, match="not an ISO 20022"):
            parse(b"<Document><BkToCstmr/></Document>", filename="s.xml", currency="EUR")

    def test_plain_text_is_refused(self) -> None:
        with pytest.raises(FileRefused, match="not a bank file"):
            parse(b"This is not a QIF file.\n", filename="letter.txt", currency="EUR")
        with pytest.raises(FileRefused, match="columns were not recognised"):
            parse(b"Dear bank, thank you.\n", filename="letter.txt", currency="EUR")

    def test_an_unknown_currency_is_a_validation_error(self) -> None:
        with pytest.raises(Exception, match="Unknown currency"):
            parse(b"date,amount\n2024-01-01,1\n", filename="a.csv", currency="XXX")


@needs_fixtures
class TestClaimsAndContent:
    def test_a_qif_named_csv_is_refused_as_not_what_it_claims(self) -> None:
        with pytest.raises(FileRefused, match="content is QIF"):
            parse(read("actual", "data.qif"), filename="data.csv", currency="USD")

    def test_an_ofx_named_txt_is_read_by_its_content(self) -> None:
        result = parse(read("actual", "data.ofx"), filename="foo.txt", currency="USD")
        assert result.format == "ofx"
        assert len(result.rows) == 10

    def test_an_ofx_statement_in_another_currency_is_refused(self) -> None:
        with pytest.raises(FileRefused, match="in CAD but the account is in EUR"):
            parse(read("actual", "1252.qfx"), filename="1252.qfx", currency="EUR")

    def test_a_truncated_ofx_file_is_refused(self) -> None:
        data = read("actual", "data.ofx")
        with pytest.raises(FileRefused):
            parse(data[: data.index(b"<OFX>") + 3], filename="data.ofx", currency="USD")
