"""The quizzes feature's conversations: `take` (the menu of quizzes, questions, feedback,
answers after closing, a quiz's board) and `author` (a short quiz written in chat).
`routers` is what the composition root registers."""

from core.quizzes.chat import author, take

routers = (take.router, author.router)
