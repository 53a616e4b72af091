"""Every write of exams, one module per part: `<thing>_<verb>(*, actor, ...)`."""
