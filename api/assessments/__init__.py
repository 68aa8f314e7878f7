"""Teachers' assessments of their students' recordings, and a student's progress over time."""
