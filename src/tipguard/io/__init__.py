"""Reading inputs and writing verdicts (the wire format of the output contract)."""
