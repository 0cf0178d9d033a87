"""What citizens send and staff answer: comments, the contact form and e-mail (see DESIGN.md)."""
