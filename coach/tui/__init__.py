"""The rehearsal studio: a Textual editor that coaches networking messages while they are typed."""
