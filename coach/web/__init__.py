"""``coach serve``: the rehearsal studio served to web browsers, one studio per tab."""
