"""The bedside screen's pieces, one idea each: choosing a chair (chairs), opening a session
(open_form), the session panel (panel) and its dialogs (dialogs), which controls a state allows
(controls), what each refresh shows (refresh, flags) and what saving says (readings)."""
