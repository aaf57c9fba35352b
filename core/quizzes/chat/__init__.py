"""The quizzes feature's conversations: `take` (the menu of quizzes, questions, feedback,
answers after closing, a quiz's board) and `author` (a short quiz written in chat)."""
